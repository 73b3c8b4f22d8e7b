/**
 * `npm run synth [-- -c key=value …]`: builds the handler bundles, then synthesizes every stack into
 * cdk.out with the CDK CLI, offline (no AWS account or credentials needed). The home region is
 * `-c region=…`, else the AWS profile's, else the CDK CLI's default (us-east-1); `-c region=eu-west-1`
 * shows the forwarding stack as well.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AUDITOR_FUNCTIONS } from '../shared/auditor-permissions.js';

const args = process.argv.slice(2);

function run(command: string, commandArgs: readonly string[]): void {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit' });
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
run('npx', ['cdk', 'synth', '--app', 'npx tsx infra/app.ts', '--output', 'cdk.out', '--quiet', ...args]);
const templates = readdirSync('cdk.out').filter((f) => f.endsWith('.template.json'));
console.log(`Templates written: ${templates.map((t) => join('cdk.out', t)).join(', ')}`);
