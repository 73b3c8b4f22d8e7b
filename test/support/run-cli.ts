/**
 * Runs the built CLI (`dist/cli.mjs`, made by `npm test`'s build step) as a user would, in a child process,
 * and collects what it printed. End-to-end tests go through this so that the bundle, its catalog asset
 * and the exit status are what is tested.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = join(projectRoot, 'dist/cli.mjs');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliRun> {
  if (!existsSync(cliPath)) {
    return Promise.reject(new Error(`${cliPath} is missing: run "npm run build" (npm test builds first)`));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? projectRoot,
      // No terminal and no inherited colour settings: output is what a pipe gets, unless a test says otherwise.
      env: definedOnly({ PATH: process.env.PATH, HOME: process.env.HOME, ...options.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      resolve({
        status,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
