/**
 * The command line in-process: argument handling, the live-adapter seam, format choice and colour. The
 * end-to-end runs of the built bundle are in bad-input.test.ts and test/unit/scenarios.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadActionCatalog } from '../../../shared/adapters/action-catalog/load-action-catalog.js';
import { ExportFolderSource } from '../../../shared/adapters/export-folder/export-folder-source.js';
import type { LiveAccountOptions } from '../../../shared/cli/live-adapters.js';
import { type CliEnvironment, runCli } from '../../../shared/cli/run-cli.js';

const basic = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/scenarios/basic');

interface Captured {
  status: number;
  stdout: string;
  stderr: string;
}

async function cli(
  argv: readonly string[],
  overrides: Partial<CliEnvironment> & { tty?: boolean } = {},
): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    version: '9.9.9',
    stdout: { write: (text: string) => (stdout += text), isTTY: overrides.tty ?? false },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    loadCatalog: loadActionCatalog,
    now: () => new Date('2026-11-26T12:00:00Z'),
    live: {},
    ...overrides,
  });
  return { status, stdout, stderr };
}

describe('command line', () => {
  it('prints the usage with --help and exits 0', async () => {
    const run = await cli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: lambda-role-audit <command> [options]');
    expect(run.stdout).toContain('3 some functions could not be audited');
  });

  it('prints the usage on stderr and exits 2 without a command', async () => {
    const run = await cli([]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Usage:');
  });

  it('prints its version', async () => {
    expect((await cli(['--version'])).stdout).toBe('9.9.9\n');
  });

  it.each([
    ['deploy', 'unknown command "deploy"'],
    ['audit --from DIR --colour', 'unknown option --colour for audit'],
    ['audit --from DIR --format yaml', '--format "yaml" is not one of table, json, markdown'],
    ['audit --from DIR --fail-on severe', '--fail-on "severe" is not one of'],
    [
      'audit --from DIR --aws-managed-baseline medium',
      '--aws-managed-baseline "medium" is not one of info, low',
    ],
    ['audit --from DIR orders-consumer', 'unexpected argument "orders-consumer"'],
    ['export', 'export needs --to DIR'],
  ])('rejects "%s" with exit 2 and says why', async (commandLine, message) => {
    const run = await cli(commandLine.split(' ').map((word) => (word === 'DIR' ? basic : word)));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it('says how to audit offline when no live adapter is wired', async () => {
    const run = await cli(['audit']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('audit an export folder with --from DIR');
  });

  it('audits the live source the adapter creates, with --region and --profile', async () => {
    const seen: LiveAccountOptions[] = [];
    const run = await cli(['audit', '--region', 'eu-west-1', '--profile', 'audit', '--fail-on', 'none'], {
      live: {
        createLiveSource: (options) => {
          seen.push(options);
          return new ExportFolderSource(basic);
        },
      },
    });
    expect(run.status).toBe(0);
    expect(seen).toEqual([{ region: 'eu-west-1', profile: 'audit' }]);
    expect(JSON.parse(run.stdout).functions).toHaveLength(9);
  });

  it('gives the live source a progress line on a terminal, except beside JSON', async () => {
    const progress: boolean[] = [];
    const live = {
      createLiveSource: (options: LiveAccountOptions) => {
        progress.push(options.progress !== undefined);
        return new ExportFolderSource(basic);
      },
    };
    const terminal = { write: () => true, isTTY: true };
    await cli(['audit', '--format', 'table'], { live, stderr: terminal });
    await cli(['audit', '--format', 'json'], { live, stderr: terminal });
    await cli(['audit', '--format', 'table'], { live });
    expect(progress).toEqual([true, false, false]);
  });

  it('hands export --to to the export adapter', async () => {
    const targets: string[] = [];
    const run = await cli(['export', '--to', '/tmp/out', '--region', 'eu-west-1'], {
      live: {
        exportAccount: async (options) => {
          targets.push(`${options.to} ${options.region}`);
        },
      },
    });
    expect(run.status).toBe(0);
    expect(targets).toEqual(['/tmp/out eu-west-1']);
  });

  it('warns that --region is ignored with --from', async () => {
    const run = await cli(['audit', '--from', basic, '--region', 'eu-west-1']);
    expect(run.stderr).toContain('--region and --profile apply to a live audit');
  });

  it('prints compact JSON to a pipe and a coloured table to a terminal by default', async () => {
    const piped = await cli(['audit', '--from', basic]);
    expect(JSON.parse(piped.stdout).schemaVersion).toBe('1');
    expect(piped.stdout.split('\n')).toHaveLength(2);

    const terminal = await cli(['audit', '--from', basic], { tty: true });
    expect(terminal.stdout).toContain('\u001b[');
    expect(terminal.stdout).toContain('9 functions: 7 not compliant, 2 compliant');
  });

  it('leaves colour out on a terminal when NO_COLOR is set', async () => {
    const run = await cli(['audit', '--from', basic], { tty: true, env: { NO_COLOR: '1' } });
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('accepts function names repeated, listed after --function, or separated by commas', async () => {
    for (const argv of [
      ['--function', 'orders-consumer', '--function', 'payments-consumer'],
      ['--function', 'orders-consumer', 'payments-consumer'],
      ['--function', 'orders-consumer,payments-consumer'],
    ]) {
      const run = await cli(['audit', '--from', basic, ...argv]);
      const names = JSON.parse(run.stdout).functions.map((fn: { functionName: string }) => fn.functionName);
      expect(names.sort()).toEqual(['orders-consumer', 'payments-consumer']);
    }
  });

  it('accepts a function ARN, qualified or not, and rejects a name the export lacks', async () => {
    const arn = 'arn:aws:lambda:us-west-2:123456789012:function:payments-consumer';
    for (const name of [arn, `${arn}:$LATEST`]) {
      const run = await cli(['audit', '--from', basic, '--function', name]);
      expect(JSON.parse(run.stdout).functions.map((fn: { functionName: string }) => fn.functionName)).toEqual(
        ['payments-consumer'],
      );
    }
    const unknown = await cli(['audit', '--from', basic, '--function', 'payments-consumer', 'no-such-fn']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('function no-such-fn not found');
  });

  it('writes markdown with the recommended policy', async () => {
    const run = await cli([
      'audit',
      '--from',
      basic,
      '--format',
      'markdown',
      '--function',
      'payments-consumer',
    ]);
    expect(run.stdout).toContain('### payments-consumer');
    expect(run.stdout).toContain('```json');
  });
});
