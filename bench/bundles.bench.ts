/**
 * The deployed handler bundles: size, and the median time to import each in a fresh node process (a
 * proxy for the cold start's init phase), with `@aws-sdk/*` bundled. Targets: at most 1.5 MB and a median
 * import under 150 ms per bundle. The gzipped action catalog beside a bundle is listed on its own: it is
 * read on first use, never at import.
 *
 * The environment a handler reads at cold start is faked (names and ARNs only): importing runs the
 * module's init code, and no call goes out during it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const RUNS = 10;
const MAX_BYTES = 1.5 * 1024 * 1024;
const MAX_IMPORT_MS = 150;
const BUNDLES = join(process.cwd(), 'dist', 'functions');

const FAKE_ENVIRONMENT: Readonly<Record<string, string>> = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench-only',
  STATE_TABLE_NAME: 'FindingsStateTable',
  ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:AlertTopic',
  ALERT_MIN_SEVERITY: 'low',
  SUPPRESSIONS: '[]',
  AUDIT_REGIONS: 'eu-west-1',
  SLACK_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf',
  POWERTOOLS_SERVICE_NAME: 'lambda-role-audit',
};

/** Milliseconds to import the module, measured inside a fresh node process. */
function importOnce(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...FAKE_ENVIRONMENT },
  });
  if (run.status !== 0) throw new Error(`importing ${file} failed: ${run.stderr.trim()}`);
  return Number(run.stdout);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2 : (sorted[mid] ?? 0);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export async function run(): Promise<void> {
  if (!existsSync(BUNDLES)) {
    console.log('no dist/functions: run `npm run build` first (npm run bench does)');
    return;
  }
  const names = readdirSync(BUNDLES).filter((n) => existsSync(join(BUNDLES, n, 'index.mjs')));
  const rows = names.map((name) => {
    const file = join(BUNDLES, name, 'index.mjs');
    const catalog = join(BUNDLES, name, 'iam-actions.json.gz');
    const bytes = statSync(file).size;
    const times = Array.from({ length: RUNS }, () => importOnce(file));
    const importMs = median(times);
    return {
      bundle: name,
      'index.mjs': `${bytes} B (${kb(bytes)})`,
      'catalog .gz': existsSync(catalog) ? kb(statSync(catalog).size) : '-',
      'import median': `${importMs.toFixed(0)} ms`,
      'import min–max': `${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms`,
      verdict:
        [
          bytes <= MAX_BYTES ? '' : `size over ${kb(MAX_BYTES)}`,
          importMs < MAX_IMPORT_MS ? '' : `import over ${MAX_IMPORT_MS} ms`,
        ]
          .filter((v) => v !== '')
          .join(', ') || 'within targets',
    };
  });
  console.log(
    `handler bundles (${RUNS} fresh node processes each; target ≤ ${kb(MAX_BYTES)}, median < ${MAX_IMPORT_MS} ms)`,
  );
  console.table(rows);
}
