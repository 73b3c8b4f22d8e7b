/**
 * Builds the real app (infra/auditor-app.ts) for a test, with stub handler bundles in a temporary folder
 * (the infra tests check the stacks, not the handlers) and the context of cdk.json, so that the templates
 * tested are the templates `npm run synth` writes.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type AuditorApp, addAuditorStacks } from '../../../infra/auditor-app.js';
import type { DeployConfig } from '../../../infra/config.js';
import { AUDITOR_FUNCTIONS } from '../../../shared/auditor-permissions.js';
import { DEFAULT_TAG_SUPPRESSION } from '../../../shared/domain/suppressions.js';

export const TEST_CONFIG: DeployConfig = {
  stackName: 'LambdaRoleAudit',
  region: 'eu-west-1',
  alertEmails: ['oncall@example.com'],
  schedule: 'rate(1 day)',
  minSeverity: 'low',
  suppressions: [],
  tagSuppression: DEFAULT_TAG_SUPPRESSION,
  extraRegions: [],
};

let bundles: string | undefined;

/** A folder with a stub index.mjs per handler, made once per test file. */
export function stubBundles(): string {
  if (bundles !== undefined) return bundles;
  bundles = mkdtempSync(join(tmpdir(), 'lra-bundles-'));
  for (const name of AUDITOR_FUNCTIONS) {
    mkdirSync(join(bundles, name));
    writeFileSync(
      join(bundles, name, 'index.mjs'),
      `export const handler = async () => ({ stub: '${name}' });\n`,
    );
  }
  return bundles;
}

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson: unknown = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8'));
  const context = (cdkJson as { context?: Record<string, unknown> }).context;
  return context ?? {};
}

export interface SynthesizedApp extends AuditorApp {
  readonly app: App;
}

export function buildApp(overrides: Partial<DeployConfig> = {}, outdir?: string): SynthesizedApp {
  const app = new App({ context: cdkJsonContext(), ...(outdir !== undefined ? { outdir } : {}) });
  const dir = stubBundles();
  const stacks = addAuditorStacks(app, { ...TEST_CONFIG, ...overrides }, (name) =>
    lambda.Code.fromAsset(join(dir, name)),
  );
  return { app, ...stacks };
}

export function homeTemplate(overrides: Partial<DeployConfig> = {}): Template {
  return Template.fromStack(buildApp(overrides).home);
}
