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

/**
 * stdout for the report: text is encoded to UTF-8 here, into a staging buffer written out when full (and at
 * the end), rather than handed to the stream as strings. Buffer.from, what a stream does with a string, is
 * about ten times slower than TextEncoder on text that is not all Latin-1, such as the report's messages
 * ('); and the JSON report comes in thousands of pieces (one per function), which would otherwise be
 * joined into strings only to be copied again. Each write to the stream gets a buffer of its own, as the
 * stream may hold it until written.
 */
class Utf8Stdout {
  private static readonly STAGE = 1 << 16;
  private readonly utf8 = new TextEncoder();
  private readonly staged = Buffer.allocUnsafe(Utf8Stdout.STAGE);
  private used = 0;

  get isTTY(): boolean | undefined {
    return process.stdout.isTTY;
  }

  get columns(): number | undefined {
    return process.stdout.columns;
  }

  write(text: string): void {
    // At most 3 bytes per UTF-16 code unit.
    if (text.length * 3 > Utf8Stdout.STAGE - this.used) {
      this.flush();
      if (text.length * 3 > Utf8Stdout.STAGE) {
        const bytes = Buffer.allocUnsafe(Buffer.byteLength(text));
        this.utf8.encodeInto(text, bytes);
        process.stdout.write(bytes);
        return;
      }
    }
    this.used += this.utf8.encodeInto(text, this.staged.subarray(this.used)).written;
  }

  /** Bytes the caller made and hands over (the stream may hold them until written). */
  writeBytes(bytes: Uint8Array): void {
    this.flush();
    process.stdout.write(bytes);
  }

  flush(): void {
    if (this.used === 0) return;
    process.stdout.write(Buffer.from(this.staged.subarray(0, this.used)));
    this.used = 0;
  }
}

const stdout = new Utf8Stdout();
try {
  process.exitCode = await runCli(process.argv.slice(2), {
    version: packageJson.version,
    stdout,
    stderr: process.stderr,
    env: process.env,
  });
} finally {
  stdout.flush();
}
