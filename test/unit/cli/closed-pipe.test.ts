import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticAccount } from '../../../bench/synthetic-account.js';
import { cliPath } from '../../support/run-cli.js';

// A report far larger than a pipe's buffer, so that the CLI is still writing when the reader leaves.
const folder = mkdtempSync(join(tmpdir(), 'lra-pipe-'));
beforeAll(() => writeSyntheticAccount(folder, 300));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('a reader that closes the pipe early (audit | head)', () => {
  it('keeps the audit exit status and prints no stack trace', async () => {
    const child = spawn(process.execPath, [cliPath, 'audit', '--from', folder, '--format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    // Read the first chunk, then close our end, as `head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());

    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(status).toBe(1);
    expect(stderr).not.toContain('EPIPE');
  });
});
