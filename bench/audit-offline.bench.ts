/**
 * The offline audit at scale (issue 10, item 4), on two accounts of 5,000 functions: the synthetic account
 * (bench/synthetic-account.ts, a realistic share of broken roles) and the findings-heavy one
 * (bench/findings-heavy-account.ts, most functions with several missing and excess findings). Each is
 * audited by the built CLI exactly as a user runs it (`node dist/cli.mjs audit --from DIR --format json`,
 * stdout to a file that is then measured and deleted), beside the parse floor: a fresh node process that
 * only reads and JSON.parses the same files (`readFileSync(file, 'utf8')` then `JSON.parse`, one file after
 * the other), nothing else. Both are whole processes (node's start-up included), timed by wall clock and by
 * CPU time (user + system, from the child's own `process.resourceUsage()`), median of RUNS runs alternating
 * floor and audit; peak RSS is the highest of the runs. Target: the audit within 3x the parse floor, peak
 * RSS at most 250 MB. On a machine shared with other work, CPU time is the steadier of the two.
 *
 * Two reference figures put the ratio in context, since the parse floor alone is not all the work an audit
 * cannot avoid. The fixed cost: the same CLI auditing the two-function demo account (node's start-up, the
 * bundle, the IAM action catalog and the managed policies). The report's serialisation: in a fresh node,
 * the audit's own JSON report is parsed (not timed), then each function's entry is JSON.stringified and
 * written as UTF-8 into a reused 1 MiB buffer (timed in process): what writing that report costs with
 * V8's own serialiser at best, its strings already flat. Floor plus serialisation is printed with the
 * audit's ratio to it.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFindingsHeavyAccount } from './findings-heavy-account.js';
import { type SyntheticAccountStats, writeSyntheticAccount } from './synthetic-account.js';

const FUNCTIONS = 5000;
const RUNS = Number(process.env.LRA_BENCH_RUNS ?? 5);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// LRA_BENCH_CLI: another build of the CLI to measure (a checkout of an earlier commit, to compare).
const cli = process.env.LRA_BENCH_CLI ?? join(root, 'dist/cli.mjs');
const DEMO_ACCOUNT = join(root, 'examples/demo-account');

interface Run {
  readonly ms: number;
  /** user + system CPU time of the child: steadier than wall time on a machine shared with other work. */
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly status: number | null;
  /** Bytes the child wrote to stdout. */
  readonly outputBytes: number;
}

/** Runs node with `args`, stdout to a file; the preloaded hook reports the child's own CPU time and peak RSS. */
function timeNode(args: readonly string[], work: string): Run {
  const usageFile = join(work, 'rusage.json');
  const hook = join(work, 'report-rusage.mjs');
  const outputFile = join(work, 'stdout');
  const output = openSync(outputFile, 'w');
  try {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['--import', hook, ...args], {
      stdio: ['ignore', output, 'pipe'],
      env: { ...process.env, LRA_BENCH_RUSAGE: usageFile },
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (child.status !== 0 && child.status !== 1) {
      throw new Error(
        `node ${args.join(' ')} exited ${child.status}: ${child.stderr.toString().slice(0, 2000)}`,
      );
    }
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as {
      maxRSS: number;
      userCPUTime: number;
      systemCPUTime: number;
    };
    const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
    return {
      ms,
      cpuMs,
      maxRssMb: usage.maxRSS / 1024,
      status: child.status,
      outputBytes: statSync(outputFile).size,
    };
  } finally {
    closeSync(output);
    rmSync(outputFile, { force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

interface Measured {
  readonly name: string;
  readonly stats: SyntheticAccountStats;
  readonly floor: readonly Run[];
  readonly audit: readonly Run[];
  readonly findings: number;
  /** The CLI auditing the demo account, per run: the fixed cost of an audit. */
  readonly fixed: readonly Run[];
  /** In-process milliseconds to serialise the report's function entries, per run. */
  readonly serialisation: readonly number[];
}

const PARSE_FLOOR =
  "import { readFileSync, readdirSync } from 'node:fs';\nimport { join } from 'node:path';\n" +
  'const dir = process.argv[2];\n' +
  "for (const file of readdirSync(dir)) if (file.endsWith('.json')) JSON.parse(readFileSync(join(dir, file), 'utf8'));\n";

const SERIALISE =
  "import { readFileSync } from 'node:fs';\n" +
  "const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));\n" +
  'const chunk = Buffer.allocUnsafe(1 << 20);\n' +
  'const started = performance.now();\n' +
  'for (const fn of report.functions) { const json = JSON.stringify(fn); if (json.length * 3 <= chunk.length) chunk.write(json, 0, "utf8"); else Buffer.from(json, "utf8"); }\n' +
  'process.stdout.write(String(performance.now() - started));\n';

/** The audit's report, written once (outside the timed runs): its findings are counted, its serialisation timed. */
function writeReport(folder: string, work: string): { file: string; findings: number } {
  const file = join(work, 'report.json');
  const output = openSync(file, 'w');
  try {
    spawnSync(process.execPath, [cli, 'audit', '--from', folder, '--format', 'json'], {
      stdio: ['ignore', output, 'ignore'],
    });
  } finally {
    closeSync(output);
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    functions: { findings: unknown[] }[];
  };
  return { file, findings: report.functions.reduce((sum, fn) => sum + fn.findings.length, 0) };
}

/** Milliseconds a fresh node takes to JSON.stringify and UTF-8 encode the report's function entries. */
function serialisationMs(reportFile: string, work: string): number {
  const child = spawnSync(process.execPath, [join(work, 'serialise.mjs'), reportFile], { encoding: 'utf8' });
  if (child.status !== 0)
    throw new Error(`serialise.mjs exited ${child.status}: ${child.stderr.slice(0, 2000)}`);
  return Number(child.stdout);
}

function measure(
  name: string,
  write: (folder: string, count: number) => SyntheticAccountStats,
  work: string,
): Measured {
  const folder = join(work, name);
  const stats = write(folder, FUNCTIONS);
  const parseScript = join(work, 'parse-floor.mjs');
  const floor: Run[] = [];
  const audit: Run[] = [];
  const fixed: Run[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    floor.push(timeNode([parseScript, folder], work));
    audit.push(timeNode([cli, 'audit', '--from', folder, '--format', 'json'], work));
    fixed.push(timeNode([cli, 'audit', '--from', DEMO_ACCOUNT, '--format', 'json'], work));
  }
  const report = writeReport(folder, work);
  const serialisation = Array.from({ length: RUNS }, () => serialisationMs(report.file, work));
  rmSync(report.file, { force: true });
  rmSync(folder, { recursive: true, force: true });
  return { name, stats, floor, audit, findings: report.findings, fixed, serialisation };
}

export async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lra-bench-'));
  try {
    writeFileSync(
      join(work, 'report-rusage.mjs'),
      "import { writeFileSync } from 'node:fs';\n" +
        "process.on('exit', () => writeFileSync(process.env.LRA_BENCH_RUSAGE, JSON.stringify(process.resourceUsage())));\n",
    );
    writeFileSync(join(work, 'parse-floor.mjs'), PARSE_FLOOR);
    writeFileSync(join(work, 'serialise.mjs'), SERIALISE);
    const accounts = [
      measure('synthetic', writeSyntheticAccount, work),
      measure('findings-heavy', writeFindingsHeavyAccount, work),
    ];
    console.log(
      `parse floor: a fresh node that reads each export file (readFileSync, utf8) and JSON.parses it, nothing else; audit: node dist/cli.mjs audit --from DIR --format json > file. Median of ${RUNS} runs each, alternating; wall = elapsed time of the process, CPU = its user + system time (steadier on a shared machine); RSS = highest peak of the runs. Fixed cost: the same CLI auditing the two-function demo account. Report serialisation: JSON.stringify + UTF-8 of the report's function entries in a fresh node, timed in process (what V8 needs to write that report at best).`,
    );
    const rows: [string, ...string[]][] = [['', ...accounts.map((a) => a.name)]];
    const row = (label: string, value: (a: Measured) => string) => rows.push([label, ...accounts.map(value)]);
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
    row('functions / roles', (a) => `${a.stats.functions} / ${a.stats.roles}`);
    row('export JSON', (a) => mb(a.stats.bytes));
    row('findings in the report', (a) => String(a.findings));
    row('report (compact JSON)', (a) => mb(median(a.audit.map((r) => r.outputBytes))));
    const ms = (runs: readonly Run[], key: 'ms' | 'cpuMs') => median(runs.map((r) => r[key]));
    row('parse floor, wall', (a) => `${ms(a.floor, 'ms').toFixed(0)} ms`);
    row('audit, wall', (a) => `${ms(a.audit, 'ms').toFixed(0)} ms`);
    row('ratio, wall', (a) => ratio(ms(a.audit, 'ms') / ms(a.floor, 'ms')));
    row('parse floor, CPU', (a) => `${ms(a.floor, 'cpuMs').toFixed(0)} ms`);
    row('audit, CPU', (a) => `${ms(a.audit, 'cpuMs').toFixed(0)} ms`);
    row('ratio, CPU', (a) => ratio(ms(a.audit, 'cpuMs') / ms(a.floor, 'cpuMs')));
    row('fixed cost (demo account), wall', (a) => `${ms(a.fixed, 'ms').toFixed(0)} ms`);
    row('report serialisation', (a) => `${median(a.serialisation).toFixed(0)} ms`);
    const workFloor = (a: Measured) => ms(a.floor, 'ms') + median(a.serialisation);
    row('parse floor + serialisation', (a) => `${workFloor(a).toFixed(0)} ms`);
    row('audit / (floor + serialisation)', (a) => `${(ms(a.audit, 'ms') / workFloor(a)).toFixed(2)}x`);
    row('audit runs, wall', (a) => a.audit.map((r) => r.ms.toFixed(0)).join(' '));
    row('audit runs, CPU', (a) => a.audit.map((r) => r.cpuMs.toFixed(0)).join(' '));
    row('functions per second (wall)', (a) => String(Math.round(FUNCTIONS / (ms(a.audit, 'ms') / 1000))));
    row('peak RSS, parse floor', (a) => `${Math.max(...a.floor.map((r) => r.maxRssMb)).toFixed(0)} MB`);
    const rss = (a: Measured) => Math.max(...a.audit.map((r) => r.maxRssMb));
    row('peak RSS, audit', (a) => `${rss(a).toFixed(0)} MB (≤ 250 MB: ${rss(a) <= 250 ? 'met' : 'NOT met'})`);
    row('exit status', (a) => String(a.audit[0]?.status));
    const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((r) => (r[column] ?? '').length)));
    for (const r of rows)
      console.log(
        r
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join('  ')
          .trimEnd(),
      );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function ratio(value: number): string {
  return `${value.toFixed(2)}x (≤ 3x: ${value <= 3 ? 'met' : 'NOT met'})`;
}
