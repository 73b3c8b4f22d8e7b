/**
 * One `ListFunctions` scan and one `ListEventSourceMappings` listing per region, shared by everything
 * that needs the account's functions and mappings while handling one batch of changes: the directory
 * (which functions share a role, which use a queue whose key changed) and the live source (the
 * configurations and mappings of the named functions). Create one per batch, so that a function or mapping
 * created since the last batch is never missed; a failed listing is not kept, so that the retry of the
 * message lists again.
 */
import {
  type EventSourceMappingConfiguration,
  type FunctionConfiguration,
  type LambdaClient,
  paginateListEventSourceMappings,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';

export interface FunctionListing {
  /** Every function of the region (the `$LATEST` configurations ListFunctions returns). */
  list(region: string): Promise<readonly FunctionConfiguration[]>;
  /** Every event source mapping of the region, those on versions and aliases included. */
  listMappings(region: string): Promise<readonly EventSourceMappingConfiguration[]>;
}

function memoised<T>(
  lambdaByRegion: ReadonlyMap<string, LambdaClient>,
  read: (client: LambdaClient) => Promise<readonly T[]>,
): (region: string) => Promise<readonly T[]> {
  const reads = new Map<string, Promise<readonly T[]>>();
  return (region) => {
    let pending = reads.get(region);
    if (!pending) {
      const client = lambdaByRegion.get(region);
      if (!client) return Promise.reject(new Error(`no Lambda client for region ${region}`));
      pending = read(client);
      pending.catch(() => reads.delete(region));
      reads.set(region, pending);
    }
    return pending;
  };
}

export function createFunctionListing(lambdaByRegion: ReadonlyMap<string, LambdaClient>): FunctionListing {
  return {
    list: memoised(lambdaByRegion, async (client) => {
      const functions: FunctionConfiguration[] = [];
      for await (const page of paginateListFunctions({ client }, {}))
        functions.push(...(page.Functions ?? []));
      return functions;
    }),
    listMappings: memoised(lambdaByRegion, async (client) => {
      const mappings: EventSourceMappingConfiguration[] = [];
      for await (const page of paginateListEventSourceMappings({ client }, {}))
        mappings.push(...(page.EventSourceMappings ?? []));
      return mappings;
    }),
  };
}
