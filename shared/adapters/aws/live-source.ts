/**
 * The live account as an `AccountSource`: the engine reads it exactly as it reads an export folder.
 * The scope chooses the way of reading (live-account-reader.ts): the whole account with bulk, paginated
 * calls, or a few named functions with per-function calls and cached managed policy versions.
 */
import type { FunctionConfiguration as LambdaFunctionConfiguration } from '@aws-sdk/client-lambda';
import type { AccountScope, AccountSnapshot, AccountSource } from '../../domain/model.js';
import type { AwsClients } from './clients.js';
import { withFunctionTags } from './function-tags.js';
import {
  DEFAULT_READ_CONCURRENCY,
  type LiveAccountData,
  LiveAccountReader,
  type LiveReadProgress,
} from './live-account-reader.js';
import { toAccountSnapshot } from './live-snapshot.js';
import type { PolicyVersionCache } from './policy-version-cache.js';
import { limitRequests } from './request-limits.js';

export type { LiveReadProgress } from './live-account-reader.js';

export interface LiveSourceOptions {
  readonly clients: Pick<AwsClients, 'iam' | 'lambda'>;
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
}

export const DEFAULT_LAMBDA_REQUESTS_PER_SECOND = 10;
export const DEFAULT_IAM_MAX_CONCURRENT = 4;
/** Lambda requests in flight at once; the token bucket sets the pace, this bounds sockets. */
export const DEFAULT_LAMBDA_MAX_CONCURRENT = 8;

export interface LiveSource extends AccountSource {
  /** The read in the APIs' own shapes (for the export folder). */
  read(scope: AccountScope): Promise<LiveAccountData>;
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
  const reader = new LiveAccountReader({
    clients: options.clients,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.policyCache ? { policyCache: options.policyCache } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.listFunctions ? { listFunctions: options.listFunctions } : {}),
  });
  // Function tags come from a call of their own (function-tags.ts says which and why).
  const read = async (scope: AccountScope): Promise<LiveAccountData> =>
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
    read,
    async load(scope: AccountScope): Promise<AccountSnapshot> {
      return toAccountSnapshot(await read(scope), {
        ...(scope.includesRoleSiblings ? { includesRoleSiblings: true } : {}),
      });
    },
  };
}
