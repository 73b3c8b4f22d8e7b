/**
 * The CDK app: `npm run synth`, `npm run deploy -- -c alertEmails=you@example.com`, `npm run destroy`.
 * Configuration comes from CDK context (infra/config.ts lists the keys); the handlers deployed are the
 * esbuild bundles in dist/functions (`npm run build`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AUDITOR_FUNCTIONS } from '../shared/auditor-permissions.js';
import { DeployConfigError } from '../shared/domain/errors.js';
import { addAuditorStacks, addNagChecks } from './auditor-app.js';
import { CONTEXT_KEYS, type DeployConfig, parseDeployConfig } from './config.js';

const BUNDLES = join(process.cwd(), 'dist', 'functions');

const app = new App();
const context = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, app.node.tryGetContext(key)]));
let config: DeployConfig;
try {
  config = await parseDeployConfig(context, { env: process.env, cwd: process.cwd() });
} catch (error: unknown) {
  if (!(error instanceof DeployConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const missing = AUDITOR_FUNCTIONS.filter((name) => !existsSync(join(BUNDLES, name, 'index.mjs')));
if (missing.length > 0) {
  console.error(
    `The handler bundles are missing (${missing.map((m) => `dist/functions/${m}/index.mjs`).join(', ')}): run \`npm run build\` first (npm run synth, deploy and destroy do).`,
  );
  process.exit(1);
}

// Source maps stay out of the deployment package: Lambda would use them only with --enable-source-maps,
// which costs cold-start time on every bundle of this size.
addAuditorStacks(app, config, (name) => lambda.Code.fromAsset(join(BUNDLES, name), { exclude: ['*.map'] }));
addNagChecks(app);
app.synth();
