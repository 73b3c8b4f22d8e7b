/**
 * What the CLI's live seam (shared/cli/live-adapters.ts) loads lazily: a live account source and the
 * `export` command, built from `--region` / `--profile` and the SDK's default chains. Kept apart from the
 * CLI so that `audit --from DIR` never evaluates SDK code.
 */

import { InputError } from '../../domain/errors.js';
import type { AccountScope, AccountSnapshot, AccountSource } from '../../domain/model.js';
import { type AwsClients, createAwsClients } from './clients.js';
import { writeExport } from './export-writer.js';
import { createLiveSource } from './live-source.js';
import { createProgressLine, type ProgressStream } from './progress-line.js';

export interface CliLiveOptions {
  readonly region?: string;
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

export function createCliLiveSource(options: CliLiveOptions): AccountSource {
  const clients = createAwsClients({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
  });
  return {
    async load(scope: AccountScope): Promise<AccountSnapshot> {
      await assertRegion(clients);
      const whole = !scope.functionNames || scope.functionNames.length === 0;
      const line = whole && options.progress ? createProgressLine(options.progress) : undefined;
      const source = createLiveSource({ clients, ...(line ? { onProgress: line.onProgress } : {}) });
      try {
        return await source.load(scope);
      } finally {
        line?.clear();
        for (const client of Object.values(clients)) client.destroy();
      }
    },
  };
}

export interface CliExportOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly to: string;
  readonly log: (message: string) => void;
}

/**
 * `export --to DIR`: the whole account, written in the AWS CLI's format. What could not be read is logged
 * and fails the command (exit 2), the files written all the same.
 */
export async function exportAccount(options: CliExportOptions): Promise<void> {
  const clients = createAwsClients({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
  });
  try {
    const region = await assertRegion(clients);
    const written = await writeExport(clients, options.to);
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
    for (const client of Object.values(clients)) client.destroy();
  }
}
