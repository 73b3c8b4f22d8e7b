/**
 * `npm run synth [-- -c key=value …]`: builds the handler bundles, then synthesizes every stack into
 * cdk.out with the CDK CLI, offline (no AWS account or credentials needed). Without a configured region
 * (AWS profile, AWS_REGION, or -c region=…) it synthesizes for eu-west-1, which shows the forwarding
 * stack too; a deploy never falls back like this.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AUDITOR_FUNCTIONS } from '../shared/auditor-permissions.js';

const SYNTH_FALLBACK_REGION = 'eu-west-1';
const args = process.argv.slice(2);

function run(command: string, commandArgs: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npm', ['run', 'build', '--silent']);
const missing = AUDITOR_FUNCTIONS.filter((name) => !existsSync(join('dist', 'functions', name, 'index.mjs')));
if (missing.length > 0) {
  console.error(
    `npm run build produced no bundle for ${missing.join(', ')} (expected dist/functions/<name>/index.mjs)`,
  );
  process.exit(1);
}

// Start from an empty cdk.out, so that a stack dropped from the configuration leaves no stale template.
rmSync('cdk.out', { recursive: true, force: true });
run('npx', ['cdk', 'synth', '--app', 'npx tsx infra/app.ts', '--output', 'cdk.out', '--quiet', ...args], {
  ...process.env,
  LAMBDA_ROLE_AUDIT_SYNTH_REGION: SYNTH_FALLBACK_REGION,
});
const templates = readdirSync('cdk.out').filter((f) => f.endsWith('.template.json'));
console.log(`Templates written: ${templates.map((t) => join('cdk.out', t)).join(', ')}`);
