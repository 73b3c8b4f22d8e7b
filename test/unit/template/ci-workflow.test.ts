/**
 * The README's "Check templates in CI" workflow is ready to use: valid YAML, the permission code scanning
 * needs, a SARIF upload that runs even when findings fail the job, and a gate at --fail-on high, with the
 * very commands the tests run against the project's own CDK app (test/infra/cdk-out.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../support/run-cli.js';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, string>;
}

function readmeWorkflow(): { permissions: Record<string, string>; jobs: { audit: { steps: Step[] } } } {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Check templates in CI'));
  const start = section.indexOf('```yaml\n') + '```yaml\n'.length;
  return parse(section.slice(start, section.indexOf('```', start)));
}

describe('the README’s CI workflow', () => {
  const workflow = readmeWorkflow();
  const steps = workflow.jobs.audit.steps;

  it('may upload to code scanning', () => {
    expect(workflow.permissions['security-events']).toBe('write');
  });

  it('synthesizes, audits to SARIF, uploads it even on failure, then fails at high', () => {
    const runs = steps.map((step) => step.run ?? step.uses ?? '');
    const synth = runs.findIndex((run) => run.includes('cdk synth'));
    const sarif = runs.findIndex((run) => run.includes('--format sarif'));
    const upload = steps.findIndex((step) => step.uses?.startsWith('github/codeql-action/upload-sarif'));
    const gate = runs.findIndex((run) => run.includes('--fail-on high'));
    expect(synth).toBeGreaterThanOrEqual(0);
    expect([synth < sarif, sarif < upload, upload < gate]).toEqual([true, true, true]);
    expect(steps[upload]?.if).toBe('always()');
    expect(steps[upload]?.with?.sarif_file).toBe('lambda-role-audit.sarif');
    expect(runs[sarif]).toContain('--cdk-out cdk.out');
    expect(runs[sarif]).toContain('> lambda-role-audit.sarif');
  });
});
