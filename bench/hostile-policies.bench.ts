/**
 * Hostile policies (bench/hostile-policies.ts): a synthetic account (bench/synthetic-account.ts) audited
 * as it is and with each case's policies added to every role, side by side. Two measures, each the median
 * of 3 runs, the runs of the plain account and of the case taken in turn (so that a machine whose load
 * changes during the benchmark weighs on both alike):
 *
 * - the built CLI as a user runs it (`audit --from DIR --format json`, stdout to /dev/null): the CPU time
 *   (user + system) of the whole process, steadier than wall time on a shared machine, and its wall time;
 *   the target is each case within 3x the same account without the policies;
 * - the audit alone, in this process (`auditAccount` on the loaded snapshot, a fresh action catalog each
 *   run, so nothing memoised carries over): what the policies cost the engine, without node's start-up and
 *   the reading of the files.
 *
 * "incomplete" counts the functions the audit listed under `errors` (none is expected: a function cut by
 * its time budget would be listed there).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readActionCatalogData } from '../shared/adapters/action-catalog/iam-data-reader.mjs';
import { ExportFolderSource } from '../shared/adapters/export-folder/export-folder-source.js';
import { auditAccount } from '../shared/domain/audit/audit-account.js';
import { createActionCatalog } from '../shared/domain/policy/catalog.js';
import { addHostilePolicies, hostileCases, policySize, realActions } from './hostile-policies.js';
import { writeSyntheticAccount } from './synthetic-account.js';

const FUNCTIONS = 600;
const RUNS = 3;
const TARGET = 3;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.mjs');

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

interface CliRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly incomplete: number;
}

/** One run of the CLI on `folder`; a preloaded hook writes the child's own resource usage. */
function runCli(folder: string, work: string): CliRun {
  const out = join(work, 'report.json');
  const usageFile = join(work, 'rusage.json');
  const fd = openSync(out, 'w');
  try {
    const started = process.hrtime.bigint();
    const child = spawnSync(
      process.execPath,
      ['--import', join(work, 'report-rusage.mjs'), cli, 'audit', '--from', folder, '--format', 'json'],
      { stdio: ['ignore', fd, 'pipe'], env: { ...process.env, LRA_BENCH_RUSAGE: usageFile } },
    );
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (child.status !== 0 && child.status !== 1 && child.status !== 3) {
      throw new Error(`audit exited ${child.status}: ${child.stderr.toString().slice(0, 2000)}`);
    }
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as {
      userCPUTime: number;
      systemCPUTime: number;
    };
    const report = JSON.parse(readFileSync(out, 'utf8')) as { errors?: { functionName?: string }[] };
    return {
      wallMs,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      incomplete: new Set((report.errors ?? []).map((e) => e.functionName)).size,
    };
  } finally {
    closeSync(fd);
  }
}

/** One audit in this process: CPU time of `auditAccount` alone, on a freshly loaded snapshot. */
async function runEngine(folder: string): Promise<number> {
  const snapshot = await new ExportFolderSource(folder).load({});
  const catalog = createActionCatalog(readActionCatalogData());
  const started = process.cpuUsage();
  auditAccount(snapshot, { catalog, generatedAt: '2026-12-02T00:00:00Z' });
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

interface Side {
  readonly cliCpu: number;
  readonly cliWall: number;
  readonly engine: number;
  readonly incomplete: number;
}

/** The plain account and the case, run in turn `RUNS` times; medians. */
async function sideBySide(base: string, folder: string, work: string): Promise<[Side, Side]> {
  const runs: [CliRun[], CliRun[], number[], number[]] = [[], [], [], []];
  for (let i = 0; i < RUNS; i++) {
    runs[0].push(runCli(base, work));
    runs[1].push(runCli(folder, work));
    runs[2].push(await runEngine(base));
    runs[3].push(await runEngine(folder));
  }
  const side = (cli: CliRun[], engine: number[]): Side => ({
    cliCpu: median(cli.map((r) => r.cpuMs)),
    cliWall: median(cli.map((r) => r.wallMs)),
    engine: median(engine),
    incomplete: Math.max(...cli.map((r) => r.incomplete)),
  });
  return [side(runs[0], runs[2]), side(runs[1], runs[3])];
}

const pad = (text: string, width: number) => text.padEnd(width);
const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(9);

export async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lra-hostile-'));
  try {
    writeFileSync(
      join(work, 'report-rusage.mjs'),
      "import { writeFileSync } from 'node:fs';\n" +
        "process.on('exit', () => writeFileSync(process.env.LRA_BENCH_RUSAGE, JSON.stringify(process.resourceUsage())));\n",
    );
    const base = join(work, 'base');
    const stats = writeSyntheticAccount(base, FUNCTIONS);
    const actions = realActions(readActionCatalogData());
    console.log(
      `synthetic account: ${stats.functions} functions, ${stats.roles} roles; each case's policies added to every role`,
    );
    console.log(
      `${pad('case', 40)} ${pad('largest document', 24)} ${'CLI CPU: plain'.padStart(14)} ${'hostile'.padStart(9)} ${'ratio'.padStart(6)} ${'(wall'.padStart(9)} ${'hostile)'.padStart(9)} ${'engine: plain'.padStart(13)} ${'hostile'.padStart(9)} ${'ratio'.padStart(6)}  incomplete`,
    );
    let worst = 0;
    const cases = hostileCases(actions);
    for (const hostile of cases) {
      const folder = join(work, 'case');
      rmSync(folder, { recursive: true, force: true });
      cpSync(base, folder, { recursive: true });
      addHostilePolicies(folder, hostile);
      const documents = [
        ...(hostile.inline ? [{ size: policySize(hostile.inline(0)), limit: 'inline' }] : []),
        ...(hostile.managed ?? []).map((document) => ({ size: policySize(document), limit: 'managed' })),
      ];
      const largest = documents.reduce((a, b) => (b.size > a.size ? b : a));
      const [plain, timed] = await sideBySide(base, folder, work);
      const ratio = timed.cliCpu / plain.cliCpu;
      worst = Math.max(worst, ratio);
      const size = `${largest.size} ${largest.limit}${documents.length > 1 ? ` (+${documents.length - 1})` : ''}`;
      console.log(
        `${pad(hostile.name, 40)} ${pad(size, 24)} ${ms(plain.cliCpu).padStart(14)} ${ms(timed.cliCpu)} ${`${ratio.toFixed(2)}x`.padStart(6)} ${ms(plain.cliWall)} ${ms(timed.cliWall)} ${ms(plain.engine).padStart(13)} ${ms(timed.engine)} ${`${(timed.engine / plain.engine).toFixed(1)}x`.padStart(6)}  ${timed.incomplete}`,
      );
    }
    for (const hostile of cases) console.log(`  ${hostile.name}: ${hostile.description}`);
    console.log(
      `worst CLI ratio: ${worst.toFixed(2)}x (target ≤ ${TARGET}x: ${worst <= TARGET ? 'met' : 'NOT met'}); CPU times, median of ${RUNS}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
