/**
 * One `ListFunctions` scan per region, shared by everything that needs the account's functions while
 * handling one batch of changes: the directory (which functions share a role) and the live source (the
 * configurations of many named functions). Create one per batch, so that a function created since the
 * last batch is never missed; a failed scan is not kept, so that the retry of the message scans again.
 */
import { type FunctionConfiguration, type LambdaClient, paginateListFunctions } from '@aws-sdk/client-lambda';

export interface FunctionListing {
  /** Every function of the region (the `$LATEST` configurations ListFunctions returns). */
  list(region: string): Promise<readonly FunctionConfiguration[]>;
}

export function createFunctionListing(lambdaByRegion: ReadonlyMap<string, LambdaClient>): FunctionListing {
  const scans = new Map<string, Promise<readonly FunctionConfiguration[]>>();
  return {
    list(region) {
      let pending = scans.get(region);
      if (!pending) {
        const client = lambdaByRegion.get(region);
        if (!client) return Promise.reject(new Error(`no Lambda client for region ${region}`));
        pending = (async () => {
          const functions: FunctionConfiguration[] = [];
          for await (const page of paginateListFunctions({ client }, {}))
            functions.push(...(page.Functions ?? []));
          return functions;
        })();
        pending.catch(() => scans.delete(region));
        scans.set(region, pending);
      }
      return pending;
    },
  };
}
