/**
 * What the CLI's live seam (shared/cli/live-adapters.ts) loads lazily: a live account source and the
 * `export` command, built from `--region` / `--profile` and the SDK's default chains. Kept apart from the
 * CLI so that `audit --from DIR` never evaluates SDK code.
 */

import { InputError } from '../../domain/errors.js';
import type { AccountScope, AccountSnapshot, AccountSource } from '../../domain/model.js';
import { type AwsClients, createAwsClients } from './clients.js';
import { writeExport } from './export-writer.js';
import { createLiveSource, createMultiRegionLiveSource } from './live-source.js';
import { createProgressLine, type ProgressStream } from './progress-line.js';

export interface CliLiveOptions {
  readonly region?: string;
  /** Several regions, read together: a role is judged with its functions in all of them. */
  readonly regions?: readonly string[];
  readonly profile?: string;
  /** Where to draw progress (a terminal's stderr); absent → silent. */
  readonly progress?: ProgressStream;
}

/** The SDK fails on the first call without a region; say so before, in the CLI's words. */
async function assertRegion(clients: AwsClients): Promise<string> {
  try {
    return await clients.lambda.config.region();
  } catch (error: unknown) {
    throw new InputError(
      'no AWS region for the live audit: pass --region, or set AWS_REGION or a region in the profile',
      {
        cause: error,
      },
    );
  }
}

/** The clients of each region asked for (several regions), or of the one region (default: the SDK's). */
function clientsOf(options: {
  region?: string;
  regions?: readonly string[];
  profile?: string;
}): AwsClients[] {
  const profile = options.profile !== undefined ? { profile: options.profile } : {};
  const regions = options.regions ?? (options.region !== undefined ? [options.region] : [undefined]);
  return regions.map((region) =>
    createAwsClients({ ...(region !== undefined ? { region } : {}), ...profile }),
  );
}

async function byRegion(all: readonly AwsClients[]): Promise<Map<string, AwsClients>> {
  const map = new Map<string, AwsClients>();
  for (const clients of all) map.set(await assertRegion(clients), clients);
  return map;
}

function destroy(all: readonly AwsClients[]): void {
  for (const clients of all) for (const client of Object.values(clients)) client?.destroy();
}

export function createCliLiveSource(options: CliLiveOptions): AccountSource {
  const all = clientsOf(options);
  return {
    async load(scope: AccountScope): Promise<AccountSnapshot> {
      const clientsByRegion = await byRegion(all);
      const whole = !scope.functionNames || scope.functionNames.length === 0;
      const line = whole && options.progress ? createProgressLine(options.progress) : undefined;
      const progress = line ? { onProgress: line.onProgress } : {};
      const [only] = all;
      const source =
        all.length === 1 && only
          ? createLiveSource({ clients: only, ...progress })
          : createMultiRegionLiveSource({ clientsByRegion, ...progress });
      try {
        return await source.load(scope);
      } finally {
        line?.clear();
        destroy(all);
      }
    },
  };
}

export interface CliExportOptions {
  readonly region?: string;
  readonly regions?: readonly string[];
  readonly profile?: string;
  readonly to: string;
  readonly log: (message: string) => void;
}

/**
 * `export --to DIR`: the whole account, written in the AWS CLI's format. What could not be read is logged
 * and fails the command (exit 2), the files written all the same.
 */
export async function exportAccount(options: CliExportOptions): Promise<void> {
  const all = clientsOf(options);
  try {
    const clientsByRegion = await byRegion(all);
    const region = [...clientsByRegion.keys()].join(', ');
    const [only] = all;
    const written = await writeExport(
      all.length === 1 && only ? only : await createMultiRegionLiveSource({ clientsByRegion }).readAll({}),
      options.to,
    );
    for (const error of written.readErrors) {
      options.log(`warning: ${error.functionName ? `${error.functionName}: ` : ''}${error.message}`);
    }
    options.log(
      `wrote ${written.functions} functions and ${written.roles} roles of ${region} to ${written.directory}`,
    );
    if (written.readErrors.length > 0) {
      // The folder has no place for "could not be read": an audit of it would take a missing invoke config
      // for an absent one. The files stay for inspection, and the command fails.
      throw new InputError(
        `the export in ${written.directory} is incomplete: ${written.readErrors.length} item(s) could not be read (listed above); an audit of that folder would not know`,
      );
    }
  } finally {
    destroy(all);
  }
}
