/**
 * A moto server of this test file's own: each integration test file starts one on a free port of
 * 127.0.0.1 and stops it when done, so that files never see each other's accounts.
 * moto is preinstalled on the project's machines; elsewhere `.ci/run` installs `moto[server]` with pip.
 * Its behaviour and pitfalls: docs/testing.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface MotoServer {
  readonly endpoint: string;
  /** SDK client configuration that reaches this server with fake credentials. */
  readonly clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    maxAttempts: number;
  };
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto_server exited with code ${child.exitCode} before answering: ${output()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${output()}`);
}

/**
 * moto's own server, answering one request at a time. `moto_server` answers each request on a thread of
 * its own, and moto 5.2.1 checks a condition and applies the update without a lock, so concurrent
 * conditional `UpdateItem`s on one item can all pass (measured: 6 rounds in 30 of 8 concurrent conditional
 * ADDs let 2 or 3 through, or lost an ADD). DynamoDB applies each write atomically ("All of these
 * operations are atomic", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html):
 * a test of concurrent conditional writes runs moto this way.
 */
const SINGLE_THREADED_SERVER = [
  'import sys',
  'from werkzeug.serving import run_simple',
  'from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app',
  'run_simple(sys.argv[1], int(sys.argv[2]), DomainDispatcherApplication(create_backend_app), threaded=False)',
].join('\n');

/**
 * Starts moto server with AWS managed policies loaded and Lambda's Docker use switched off. `env` adds to
 * the server's environment (`INITIAL_NO_AUTH_ACTION_COUNT: '0'` makes it check credentials as AWS does).
 * `singleThreaded` answers one request at a time (see SINGLE_THREADED_SERVER), with the Python that has moto.
 */
export async function startMotoServer(
  region = 'us-east-1',
  env: Readonly<Record<string, string>> = {},
  options: { readonly singleThreaded?: boolean } = {},
): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let output = '';
  const [command, args] = options.singleThreaded
    ? ['python3', ['-c', SINGLE_THREADED_SERVER, '127.0.0.1', String(port)]]
    : ['moto_server', ['-H', '127.0.0.1', '-p', String(port)]];
  const child = spawn(command, args, {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', MOTO_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`cannot start moto_server: ${error.message}`, { cause: error })),
    ),
  );
  await Promise.race([waitUntilUp(endpoint, child, () => output), spawnError]);
  await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  return {
    endpoint,
    clientConfig: {
      endpoint,
      region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, 3000);
      });
      await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
