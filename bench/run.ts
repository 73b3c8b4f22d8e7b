/**
 * `npm run bench`: runs every bench/*.bench.ts in turn and prints what each measures. Benchmarks print
 * figures; they assert nothing (speed is not a test verdict on a shared machine).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The SDK's notice that future releases need Node 22 is not a benchmark figure; AWS documents this opt-out.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

for (const file of files) {
  console.log(`\n== ${file.replace('.bench.ts', '')} ==`);
  const module: { run: () => Promise<void> } = await import(pathToFileURL(join(here, file)).href);
  await module.run();
}
