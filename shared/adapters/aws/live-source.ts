/**
 * The live account as an `AccountSource`: the engine reads it exactly as it reads an export folder.
 * The scope chooses the way of reading (live-account-reader.ts): the whole account with bulk, paginated
 * calls, or a few named functions with per-function calls and cached managed policy versions.
 *
 * Several regions (`createMultiRegionLiveSource`): each region is read by its own reader with its own
 * clients and request limits (Lambda's limits are per region), IAM once for all of them, and the
 * snapshots are merged (`mergeSnapshots`), so that a role is judged with its functions in every region.
 */
import type {
  EventSourceMappingConfiguration,
  FunctionConfiguration as LambdaFunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { parseArn } from '../../domain/arn.js';
import { mergeSnapshots } from '../../domain/merge-snapshots.js';
import type { AccountScope, AccountSnapshot, AccountSource } from '../../domain/model.js';
import type { AwsClients } from './clients.js';
import { withFunctionTags } from './function-tags.js';
import {
  DEFAULT_READ_CONCURRENCY,
  IamReads,
  type LiveAccountData,
  LiveAccountReader,
  type LiveReadProgress,
} from './live-account-reader.js';
import { toAccountSnapshot } from './live-snapshot.js';
import type { PolicyVersionCache } from './policy-version-cache.js';
import { limitRequests } from './request-limits.js';

export type { LiveReadProgress } from './live-account-reader.js';

export interface LiveSourceOptions {
  readonly clients: AwsClients;
  /** Functions, roles and policies read at once (default 8). */
  readonly concurrency?: number;
  /** Managed policy versions, by (arn, versionId); default: the process-wide cache. */
  readonly policyCache?: PolicyVersionCache;
  readonly onProgress?: (progress: LiveReadProgress) => void;
  /**
   * Lambda read requests per second (default 10). Lambda allows 15 for all control-plane reads of the
   * account and Region together; staying below leaves room for deployments running at the same time.
   */
  readonly lambdaRequestsPerSecond?: number;
  /** IAM requests in flight at once (default 4): IAM publishes no rate, so the cap is small. */
  readonly iamMaxConcurrent?: number;
  /** The account's functions, when the caller has listed them already (see function-listing.ts). */
  readonly listFunctions?: () => Promise<readonly LambdaFunctionConfiguration[]>;
  /** The account's mappings, when the caller has listed them already (see function-listing.ts). */
  readonly listEventSourceMappings?: () => Promise<readonly EventSourceMappingConfiguration[]>;
  /** IAM reads shared with the sources of the run's other regions. */
  readonly iamReads?: IamReads;
}

export const DEFAULT_LAMBDA_REQUESTS_PER_SECOND = 10;
export const DEFAULT_IAM_MAX_CONCURRENT = 4;
/** Lambda requests in flight at once; the token bucket sets the pace, this bounds sockets. */
export const DEFAULT_LAMBDA_MAX_CONCURRENT = 8;
/** Kinesis allows DescribeStreamSummary 20 times per second per account: half of it. */
export const DEFAULT_KINESIS_REQUESTS_PER_SECOND = 10;

export interface LiveSource extends AccountSource {
  /** The read in the APIs' own shapes (for the export folder). */
  read(scope: AccountScope): Promise<LiveAccountData>;
}

export interface MultiRegionLiveSource extends AccountSource {
  /** The reads in the APIs' own shapes (for the export folder), one per region. */
  readAll(scope: AccountScope): Promise<readonly LiveAccountData[]>;
}

export function createLiveSource(options: LiveSourceOptions): LiveSource {
  // Limits are installed on the clients, once per client: two sources sharing a client share its quota.
  limitRequests(options.clients.lambda, {
    maxConcurrent: DEFAULT_LAMBDA_MAX_CONCURRENT,
    requestsPerSecond: options.lambdaRequestsPerSecond ?? DEFAULT_LAMBDA_REQUESTS_PER_SECOND,
  });
  limitRequests(options.clients.iam, {
    maxConcurrent: options.iamMaxConcurrent ?? DEFAULT_IAM_MAX_CONCURRENT,
  });
  if (options.clients.kinesis) {
    limitRequests(options.clients.kinesis, {
      maxConcurrent: DEFAULT_LAMBDA_MAX_CONCURRENT,
      requestsPerSecond: DEFAULT_KINESIS_REQUESTS_PER_SECOND,
    });
  }
  const reader = new LiveAccountReader({
    clients: options.clients,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.policyCache ? { policyCache: options.policyCache } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.listFunctions ? { listFunctions: options.listFunctions } : {}),
    ...(options.listEventSourceMappings ? { listEventSourceMappings: options.listEventSourceMappings } : {}),
    ...(options.iamReads ? { iamReads: options.iamReads } : {}),
  });
  // Function tags come from a call of their own (function-tags.ts says which and why).
  const readOne = async (scope: AccountScope): Promise<LiveAccountData> =>
    withFunctionTags(
      scope.functionNames && scope.functionNames.length > 0
        ? await reader.readFunctions(scope.functionNames)
        : await reader.readAccount(),
      {
        lambda: options.clients.lambda,
        concurrency: options.concurrency ?? DEFAULT_READ_CONCURRENCY,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
    );
  return {
    read: readOne,
    async load(scope: AccountScope): Promise<AccountSnapshot> {
      return toAccountSnapshot(await readOne(scope), {
        ...(scope.includesRoleSiblings ? { includesRoleSiblings: true } : {}),
      });
    },
  };
}

export interface MultiRegionLiveSourceOptions
  extends Omit<LiveSourceOptions, 'clients' | 'listFunctions' | 'listEventSourceMappings' | 'iamReads'> {
  /** The clients of each region to read; IAM is read through the first region's. */
  readonly clientsByRegion: ReadonlyMap<string, AwsClients>;
  readonly listFunctions?: (region: string) => Promise<readonly LambdaFunctionConfiguration[]>;
  readonly listEventSourceMappings?: (region: string) => Promise<readonly EventSourceMappingConfiguration[]>;
}

/**
 * Which regions to ask for the named functions: an ARN names its region; a plain name may be in any
 * region read, so every region is asked (one that lacks it answers "not found", which costs one call).
 */
export function functionNamesByRegion(
  functionNames: readonly string[],
  regions: readonly string[],
): Map<string, string[]> {
  const byRegion = new Map<string, string[]>();
  for (const name of functionNames) {
    const region = name.startsWith('arn:') ? parseArn(name)?.region : undefined;
    const targets = region === undefined ? regions : regions.includes(region) ? [region] : [];
    for (const target of targets) byRegion.set(target, [...(byRegion.get(target) ?? []), name]);
  }
  return byRegion;
}

/** A live source over several regions of one account; with one region it is `createLiveSource`'s. */
export function createMultiRegionLiveSource(options: MultiRegionLiveSourceOptions): MultiRegionLiveSource {
  const { clientsByRegion, listFunctions, listEventSourceMappings, ...common } = options;
  const regions = [...clientsByRegion.keys()];
  // One IAM read per run, whatever the number of regions: a run is one `load` or `read`.
  const sourcesFor = (): Map<string, LiveSource> => {
    const iamReads = new IamReads();
    const first = clientsByRegion.values().next().value;
    return new Map(
      [...clientsByRegion].map(([region, clients]) => [
        region,
        createLiveSource({
          ...common,
          // Every region's reader reads IAM through one client, so that IAM's cap holds for the run.
          clients: first ? { ...clients, iam: first.iam } : clients,
          iamReads,
          ...(listFunctions ? { listFunctions: () => listFunctions(region) } : {}),
          ...(listEventSourceMappings
            ? { listEventSourceMappings: () => listEventSourceMappings(region) }
            : {}),
        }),
      ]),
    );
  };
  const scopes = (scope: AccountScope): [string, AccountScope][] => {
    if (!scope.functionNames || scope.functionNames.length === 0)
      return regions.map((region) => [region, scope]);
    return [...functionNamesByRegion(scope.functionNames, regions)].map(([region, functionNames]) => [
      region,
      { ...scope, functionNames },
    ]);
  };
  return {
    async readAll(scope) {
      const sources = sourcesFor();
      return Promise.all(
        scopes(scope).map(([region, regional]) => (sources.get(region) as LiveSource).read(regional)),
      );
    },
    async load(scope) {
      const sources = sourcesFor();
      const wanted = scopes(scope);
      if (wanted.length === 0) {
        // Named functions, none in a region read (ARNs of other regions): nothing to read, and the use
        // case says they are not in the account.
        return {
          source: { kind: 'live', regions: [...regions].sort() },
          functions: [],
          eventSourceMappings: [],
          roles: new Map(),
          managedPolicies: new Map(),
          readErrors: [],
          partial: true,
        };
      }
      const snapshots = await Promise.all(
        wanted.map(([region, regional]) => (sources.get(region) as LiveSource).load(regional)),
      );
      return mergeSnapshots(snapshots);
    },
  };
}
