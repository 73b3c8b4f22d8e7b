/**
 * The offline audit at scale: a synthetic account of 5,000 functions (bench/synthetic-account.ts), audited
 * by the built CLI exactly as a user runs it (`node dist/cli.mjs audit --from DIR --format json`, stdout to
 * /dev/null), beside the parse floor: a fresh node process that only reads and JSON.parses the same files.
 * Both are whole-process wall times (node's start-up included), median of 3. Target: the CLI within 3x the
 * parse floor and under 1 s.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticAccount } from './synthetic-account.js';

const FUNCTIONS = 5000;
const RUNS = 3;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.mjs');

interface Run {
  readonly ms: number;
  /** user + system CPU time of the child: steadier than wall time on a machine shared with other work. */
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly status: number | null;
}

/** Runs node with `args`, stdout to /dev/null; the preloaded hook reports the child's own peak RSS. */
function timeNode(args: readonly string[], folder: string): Run {
  const usageFile = join(folder, '..', 'rusage.json');
  const hook = join(folder, '..', 'report-rusage.mjs');
  const devNull = openSync('/dev/null', 'w');
  try {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['--import', hook, ...args], {
      stdio: ['ignore', devNull, 'pipe'],
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
    return { ms, cpuMs, maxRssMb: usage.maxRSS / 1024, status: child.status };
  } finally {
    closeSync(devNull);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lra-bench-'));
  const folder = join(work, 'account');
  try {
    writeFileSync(
      join(work, 'report-rusage.mjs'),
      "import { writeFileSync } from 'node:fs';\n" +
        "process.on('exit', () => writeFileSync(process.env.LRA_BENCH_RUSAGE, JSON.stringify(process.resourceUsage())));\n",
    );
    const stats = writeSyntheticAccount(folder, FUNCTIONS);
    console.log(
      `synthetic account: ${stats.functions} functions, ${stats.roles} roles, ${stats.eventSourceMappings} event source mappings, ${(stats.bytes / 1e6).toFixed(1)} MB of JSON`,
    );

    const parseScript = join(work, 'parse-floor.mjs');
    writeFileSync(
      parseScript,
      "import { readFileSync, readdirSync } from 'node:fs';\nimport { join } from 'node:path';\n" +
        'const dir = process.argv[2];\n' +
        "for (const file of readdirSync(dir)) if (file.endsWith('.json')) JSON.parse(readFileSync(join(dir, file), 'utf8'));\n",
    );

    const floor: Run[] = [];
    const audit: Run[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      floor.push(timeNode([parseScript, folder], folder));
      audit.push(timeNode([cli, 'audit', '--from', folder, '--format', 'json'], folder));
    }
    const floorMs = median(floor.map((r) => r.ms));
    const auditMs = median(audit.map((r) => r.ms));
    const auditRss = Math.max(...audit.map((r) => r.maxRssMb));
    const floorRss = Math.max(...floor.map((r) => r.maxRssMb));
    const ratio = auditMs / floorMs;
    const floorCpu = median(floor.map((r) => r.cpuMs));
    const auditCpu = median(audit.map((r) => r.cpuMs));

    console.log(
      `parse floor (read + JSON.parse, fresh node): ${floorMs.toFixed(0)} ms median of ${RUNS}, peak RSS ${floorRss.toFixed(0)} MB`,
    );
    console.log(
      `CLI audit --format json > /dev/null:           ${auditMs.toFixed(0)} ms median of ${RUNS} (runs: ${audit.map((r) => r.ms.toFixed(0)).join(', ')} ms), exit ${audit[0]?.status}`,
    );
    console.log(
      `CPU time (user + system), median:            parse floor ${floorCpu.toFixed(0)} ms, audit ${auditCpu.toFixed(0)} ms (${(auditCpu / floorCpu).toFixed(2)}x)`,
    );
    console.log(`functions per second:                        ${Math.round(FUNCTIONS / (auditMs / 1000))}`);
    console.log(`peak RSS of the audit:                       ${auditRss.toFixed(0)} MB`);
    console.log(
      `ratio to the parse floor:                    ${ratio.toFixed(2)}x (target ≤ 3x: ${ratio <= 3 ? 'met' : 'NOT met'}; under 1 s: ${auditMs < 1000 ? 'met' : 'NOT met'})`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
