/**
 * The `lambda-role-audit` executable (bundled by esbuild to dist/cli.mjs).
 */
import packageJson from '../../package.json' with { type: 'json' };
import { runCli } from './run-cli.js';

// The AWS SDK prints a warning on every run under Node.js 20 once AWS schedules its end of support; it
// would pollute stderr, which carries only our warnings. This variable is the SDK's documented opt-out.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await runCli(process.argv.slice(2), {
  version: packageJson.version,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
