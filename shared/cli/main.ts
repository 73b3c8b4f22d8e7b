/**
 * The `lambda-role-audit` executable (bundled by esbuild to dist/cli.mjs).
 */
import packageJson from '../../package.json' with { type: 'json' };
import { runCli } from './run-cli.js';

// The AWS SDK prints a warning on every run under Node.js 20 once AWS schedules its end of support; it
// would pollute stderr, which carries only our warnings. This variable is the SDK's documented opt-out.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `audit … | head` closes the pipe before the report is written: that is the reader's choice, not a failure,
// so the audit's own exit status stands. Any other output error makes the run unusable (2).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') return;
  process.stderr.write(`lambda-role-audit: cannot write the report: ${error.message}\n`);
  process.exitCode = 2;
});

// Text goes out as UTF-8 encoded here: Buffer.from (what a stream does with a string) is about ten times
// slower than TextEncoder on text that is not all Latin-1, such as the report's messages (’), and a report
// can be tens of megabytes. A fresh buffer per write, as the stream may hold it until written.
const utf8 = new TextEncoder();
const stdout = {
  get isTTY() {
    return process.stdout.isTTY;
  },
  get columns() {
    return process.stdout.columns;
  },
  write(text: string): boolean {
    const bytes = Buffer.allocUnsafe(Buffer.byteLength(text));
    utf8.encodeInto(text, bytes);
    return process.stdout.write(bytes);
  },
};

process.exitCode = await runCli(process.argv.slice(2), {
  version: packageJson.version,
  stdout,
  stderr: process.stderr,
  env: process.env,
});
