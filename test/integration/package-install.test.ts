/**
 * The package as a user gets it: `npm pack` on a checkout that has never been built (prepack builds the
 * bundle), then `npm install -g` of the tarball into a prefix of its own, offline and with an empty npm
 * cache (which only works because the package has no runtime dependency: the CLI is one bundle), then the
 * installed command run from an unrelated folder on a copy of the demo account.
 *
 * The checkout is a copy without dist/ (its node_modules linked), so that packing rebuilds nothing that
 * the other test files are running.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot, runCli } from '../support/run-cli.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'lra-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What the tarball may hold: the bundle and its assets, the schema, the docs, README, LICENSE. */
const PUBLISHED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^dist\/cli\.mjs$/,
  /^dist\/cli-chunks\/[\w-]+\.mjs$/,
  /^dist\/(iam-actions|aws-managed-policies)\.json\.gz$/,
  /^schema\/report\.schema\.json$/,
  /^docs\/[\w-]+\.md$/,
];

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}

describe('the npm package', () => {
  let packed: PackResult;
  const prefix = join(work, 'prefix');
  const bin = join(prefix, 'bin', 'lambda-role-audit');
  // npm from the test's own node, with a cache of its own: nothing comes from a registry or a warm cache.
  const npmEnv = {
    ...process.env,
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };

  beforeAll(async () => {
    const checkout = join(work, 'checkout');
    const skipped = new Set(['node_modules', 'dist', 'cdk.out', '.git', 'coverage']);
    cpSync(projectRoot, checkout, {
      recursive: true,
      filter: (source) => !skipped.has(relative(projectRoot, source).split('/')[0] ?? ''),
    });
    symlinkSync(join(projectRoot, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    expect(existsSync(join(checkout, 'dist'))).toBe(false);

    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: checkout,
      env: npmEnv,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [result] = JSON.parse(stdout) as PackResult[];
    if (!result) throw new Error(`npm pack printed no result: ${stdout}`);
    packed = result;
    await run('npm', ['install', '--global', '--offline', '--prefix', prefix, join(work, packed.filename)], {
      cwd: work,
      env: npmEnv,
    });
  }, 240_000);

  it('holds the bundle, its assets, the schema and the docs, and nothing else', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths.filter((path) => !PUBLISHED.some((pattern) => pattern.test(path)))).toEqual([]);
    for (const required of ['dist/cli.mjs', 'dist/iam-actions.json.gz', 'schema/report.schema.json']) {
      expect(paths).toContain(required);
    }
    // Figures for the record (npm pack --json): files, tarball and unpacked sizes.
    process.stdout.write(
      `package: ${packed.entryCount} files, ${packed.size} bytes packed, ${packed.unpackedSize} bytes unpacked\n`,
    );
  });

  it('installs as one package, with no dependency to fetch', () => {
    const installed = readdirSync(join(prefix, 'lib', 'node_modules'));
    expect(installed).toEqual(['lambda-role-audit']);
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'lambda-role-audit', 'node_modules'))).toBe(false);
    expect(existsSync(bin)).toBe(true);
  });

  it('runs --help from any folder', async () => {
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const { stdout } = await run(bin, ['--help'], { cwd: elsewhere, env: { PATH: process.env.PATH } });
    expect(stdout).toContain('Usage: lambda-role-audit <command> [options]');
    expect(stdout).toContain('schema/report.schema.json');
  });

  it('audits a copy of the demo account as the checkout does', async () => {
    const elsewhere = join(work, 'auditor');
    const account = join(work, 'my-account');
    cpSync(join(projectRoot, 'examples/demo-account'), account, { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    const installed = await run(bin, ['audit', '--from', account, '--format', 'json', '--fail-on', 'none'], {
      cwd: elsewhere,
      env: { PATH: process.env.PATH },
      maxBuffer: 16 * 1024 * 1024,
    });
    const checkout = await runCli(['audit', '--from', account, '--format', 'json', '--fail-on', 'none']);

    const report = JSON.parse(installed.stdout);
    expect(installed.stderr).toBe('');
    expect(report.functions.length).toBeGreaterThan(0);
    expect(report.functions).toEqual(JSON.parse(checkout.stdout).functions);
    expect(report.summary).toEqual(JSON.parse(checkout.stdout).summary);
  });
});
