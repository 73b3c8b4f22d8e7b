/**
 * Composition for the change and sweep handlers: SDK clients (one set per audited region, created once
 * per execution environment), the live source, the audit, the state table, the alert topic.
 *
 * One runtime per handler: the change handler's (`createChangeRuntime`: named functions, the directory that
 * resolves changes, the state by key) and the sweep's (`createSweepRuntime`: the whole account, the whole
 * state table). Each handler imports only its own, so that its bundle, and the role built from what the
 * bundle sends (shared/auditor-permissions.ts), holds nothing the other needs. `createAuditorRuntime`
 * joins both over one set of clients, for tests and tools that drive both handlers.
 *
 * Every audit reads all the regions it needs in one snapshot (createMultiRegionLiveSource): a role is
 * judged with its functions in every audited region, by the change handler and by the sweep alike.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadActionCatalog } from '../../shared/adapters/action-catalog/load-action-catalog.js';
import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/clients.js';
import { createFunctionListing, type FunctionListing } from '../../shared/adapters/aws/function-listing.js';
import {
  createInventoryReader,
  type InventoryReader,
  type ListedChunk,
  listRegion,
} from '../../shared/adapters/aws/inventory-source.js';
import type { LiveAccountData } from '../../shared/adapters/aws/live-account-reader.js';
import { toAccountSnapshot } from '../../shared/adapters/aws/live-snapshot.js';
import {
  createMultiRegionLiveSource,
  DEFAULT_LAMBDA_MAX_CONCURRENT,
  DEFAULT_LAMBDA_REQUESTS_PER_SECOND,
} from '../../shared/adapters/aws/live-source.js';
import { limitRequests } from '../../shared/adapters/aws/request-limits.js';
import { loadAwsManagedPolicies } from '../../shared/adapters/aws-managed-policies/load-aws-managed-policies.js';
import { type AwsDirectory, createAwsDirectory } from '../../shared/adapters/directory/aws-directory.js';
import {
  type AlertPublisher,
  createSnsPublisher,
  withCentralTopic,
} from '../../shared/adapters/notifier/sns-notifier.js';
import {
  createActiveFindingsReader,
  createFindingsImporter,
} from '../../shared/adapters/securityhub/securityhub-findings.js';
import {
  createStateLister,
  createStateReader,
  createStateWriter,
  type StateLister,
  type StateReader,
  type StateWriter,
} from '../../shared/adapters/state-store/dynamodb-state-store.js';
import {
  createInventoryLister,
  createInventoryLookup,
  createInventoryMarker,
  createInventoryStore,
  createInventoryWriter,
  type InventoryLister,
  type InventoryLookup,
  type InventoryMarker,
  type InventoryStore,
  type InventoryWriter,
} from '../../shared/adapters/state-store/inventory-store.js';
import { createSharedLambdaPace } from '../../shared/adapters/state-store/lambda-pace.js';
import { createRunRecorder, createRunStore } from '../../shared/adapters/state-store/run-store.js';
import { createSqsWorkQueue } from '../../shared/adapters/work-queue/sqs-work-queue.js';
import type { Deadline } from '../../shared/app/deadline.js';
import {
  type ChunkAuditRequest,
  type RegionListing,
  type RunRecorder,
  type RunStore,
  regionInputOf,
  type WorkQueue,
} from '../../shared/app/fan-out.js';
import { lacksAwsManagedPolicy } from '../../shared/app/run-audit.js';
import type { SecurityHubReconciler, SecurityHubSink } from '../../shared/app/security-hub-sync.js';
import { auditAccount } from '../../shared/domain/audit/audit-account.js';
import { mergeSnapshots } from '../../shared/domain/merge-snapshots.js';
import type { AccountScope, AccountSource } from '../../shared/domain/model.js';
import type { ActionCatalog } from '../../shared/domain/policy/action-catalog.js';
import type { Report } from '../../shared/domain/report.js';
import { defaultProductArn, type HubTarget } from '../../shared/security-hub/asff.js';
import type { AuditorConfig } from './config.js';
import { createLogger } from './logger.js';

export const TOOL = { name: 'lambda-role-audit', version: '0.1.0' } as const;

/** Client settings shared by every client: tests point them at moto. */
export interface ClientSettings {
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly maxAttempts?: number;
}

/** What tests replace: the catalog, the report's date, the clock that times audits, the per-function budget. */
export interface RuntimeOverrides {
  readonly catalog?: () => Promise<ActionCatalog>;
  readonly now?: () => Date;
  /** Monotonic milliseconds (default `performance.now`). */
  readonly clock?: () => number;
  /** The most time one function's audit may take (default: the engine's, 10 s). */
  readonly functionBudgetMs?: number;
}

/** What both runtimes hold: the configuration, the clients, the alert topic. */
export interface RuntimeBase {
  readonly config: AuditorConfig;
  readonly clientsByRegion: ReadonlyMap<string, AwsClients>;
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly publisher: AlertPublisher;
  /** The work queue, when the deployment has one (WORK_QUEUE_URL): the sweep and big changes fan out. */
  readonly workQueue?: WorkQueue;
}

export interface ChangeRuntime extends RuntimeBase {
  readonly stateStore: StateReader & StateWriter;
  /** Present when the deployment sends findings to Security Hub (SECURITY_HUB=true). */
  readonly securityHub?: SecurityHubSink;
  /**
   * Function configurations, mappings, invoke configs, tags, and the versions, aliases and resource keys
   * they lead to, in the state table (issue 10).
   */
  readonly inventory: InventoryLookup & InventoryWriter & InventoryMarker;
  /** Records a big change's run (fan-out). */
  readonly runs: RunRecorder;
  /** What one batch of changes uses: a directory and an audit sharing the batch's ListFunctions scans. */
  newBatch(options?: BatchOptions): ChangeBatch;
}

export interface SweepRuntime extends RuntimeBase {
  readonly stateStore: StateLister & StateWriter;
  /** Present when the deployment sends findings to Security Hub (SECURITY_HUB=true). */
  readonly securityHub?: SecurityHubReconciler;
  readonly inventory: InventoryLister & InventoryWriter;
  readonly runs: RunRecorder;
  /** One region's functions and mappings (bulk lists), for the sweep's dispatcher. */
  listRegion(region: string): Promise<RegionListing>;
  /** The whole account in these audited regions, as one audit; functions not finished before `deadline` are
   * listed under the report's `errors`. */
  auditRegions(regions: readonly string[], deadline?: Deadline): Promise<Report>;
}

/** The worker's runtime: a chunk's audit, and both the sweep's and a change's settlement. */
export interface WorkerRuntime extends RuntimeBase {
  readonly stateStore: StateReader & StateWriter & StateLister;
  /** Present when the deployment sends findings to Security Hub: the runs' alerts and the sweep's reconciliation. */
  readonly securityHub?: SecurityHubReconciler;
  readonly inventory: InventoryStore;
  readonly runs: RunStore;
  newBatch(options?: BatchOptions): ChangeBatch;
  auditChunk(request: ChunkAuditRequest): Promise<Report>;
}

/** Every runtime over one set of clients. */
export interface AuditorRuntime extends RuntimeBase {
  readonly stateStore: StateReader & StateWriter & StateLister;
  readonly securityHub?: SecurityHubReconciler;
  readonly inventory: InventoryStore;
  readonly runs: RunStore;
  newBatch(options?: BatchOptions): ChangeBatch;
  auditRegions(regions: readonly string[], deadline?: Deadline): Promise<Report>;
  listRegion(region: string): Promise<RegionListing>;
  auditChunk(request: ChunkAuditRequest): Promise<Report>;
}

export interface BatchOptions {
  /**
   * Whether resolving a change marks the inventory entries it names (a function, a resource's key) to be
   * read again (default true). The worker's settlement of a big change resolves the change a second time,
   * after its chunks read those entries: marking them then would only cost another read.
   */
  readonly marksInventory?: boolean;
}

export interface ChangeBatch {
  readonly directory: AwsDirectory;
  /**
   * These functions (unqualified ARNs, in any audited regions), audited together; functions not finished
   * before `deadline` are listed under the report's `errors`.
   */
  auditFunctions(functionArns: readonly string[], deadline?: Deadline): Promise<Report>;
}

/** The clients, the catalog (read once per execution environment, on first use) and the audit of a source. */
interface Base extends RuntimeBase {
  readonly lambdaByRegion: ReadonlyMap<string, LambdaClient>;
  /** Readers of named functions through the inventory, one per region (created on first use). */
  inventoryReaders(
    inventory: Pick<InventoryLookup, 'getMany' | 'lastSweep' | 'keyChanges'> & InventoryWriter,
  ): ReadonlyMap<string, InventoryReader>;
  /** A source over these audited regions, listing functions and mappings through `listing` if given. */
  sourceOf(regions: readonly string[], listing?: FunctionListing): AccountSource;
  audit(source: AccountSource, functionNames?: readonly string[], deadline?: Deadline): Promise<Report>;
}

function createBase(config: AuditorConfig, settings: ClientSettings, overrides: RuntimeOverrides): Base {
  const common = {
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
  const clientsByRegion = new Map<string, AwsClients>();
  for (const region of config.auditRegions) {
    clientsByRegion.set(
      region,
      createAwsClients({
        region,
        ...common,
        ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}),
      }),
    );
  }
  const retry = { retryMode: 'adaptive' as const, maxAttempts: settings.maxAttempts ?? 5 };
  const dynamodb = new DynamoDBClient({ region: config.region, ...common, ...retry });
  if (config.lambdaPaceInvocations !== undefined) shareLambdaPace(config, clientsByRegion, dynamodb);
  const sns = new SNSClient({ region: config.region, ...common, ...retry });
  const lambdaByRegion = new Map<string, LambdaClient>([...clientsByRegion].map(([r, c]) => [r, c.lambda]));
  let catalog: Promise<ActionCatalog> | undefined;
  const getCatalog = () => {
    catalog ??= (overrides.catalog ?? loadActionCatalog)();
    return catalog;
  };
  const now = overrides.now ?? (() => new Date());
  const clock = overrides.clock ?? (() => performance.now());
  let readers: Map<string, InventoryReader> | undefined;
  const inventoryReaders: Base['inventoryReaders'] = (inventory) => {
    readers ??= new Map(
      [...clientsByRegion].map(([region, clients]) => [
        region,
        createInventoryReader({
          clients,
          inventory,
          ...(config.lambdaRequestsPerSecond
            ? { lambdaRequestsPerSecond: config.lambdaRequestsPerSecond }
            : {}),
          ...(overrides.now ? { now: overrides.now } : {}),
        }),
      ]),
    );
    return readers;
  };
  const sqs = config.workQueueUrl ? new SQSClient({ region: config.region, ...common, ...retry }) : undefined;
  return {
    config,
    clientsByRegion,
    dynamodb,
    sns,
    publisher: publisherFor(config, sns, common),
    ...(sqs && config.workQueueUrl
      ? { workQueue: createSqsWorkQueue({ client: sqs, queueUrl: config.workQueueUrl }) }
      : {}),
    lambdaByRegion,
    inventoryReaders,
    sourceOf(regions, listing) {
      const wanted = new Map<string, AwsClients>();
      for (const region of regions) {
        const clients = clientsByRegion.get(region);
        if (!clients) throw new Error(`region ${region} is not audited`);
        wanted.set(region, clients);
      }
      return createMultiRegionLiveSource({
        clientsByRegion: wanted,
        // One pace per client, whichever reader installs it first (request-limits.ts): the same setting.
        ...(config.lambdaRequestsPerSecond
          ? { lambdaRequestsPerSecond: config.lambdaRequestsPerSecond }
          : {}),
        ...(listing
          ? {
              listFunctions: (region: string) => listing.list(region),
              listEventSourceMappings: (region: string) => listing.listMappings(region),
            }
          : {}),
      });
    },
    async audit(source, functionNames, deadline) {
      // The change handler resolves every change to all functions of the roles concerned, in every audited
      // region (resolve-affected.ts), so the read of those functions is not partial.
      const scope: AccountScope = functionNames ? { functionNames, includesRoleSiblings: true } : {};
      const snapshot = await source.load(scope);
      // A function deleted since the event is absent from the snapshot: audit only those present, so that the
      // use case sees it missing (and confirms the deletion) rather than an error for the whole batch.
      const present = functionNames?.filter((arn) => snapshot.functions.some((fn) => fn.FunctionArn === arn));
      const catalog = await getCatalog();
      // AWS managed policies the read lacks resolve from the shipped copy (read only when needed).
      const awsManagedPolicies = lacksAwsManagedPolicy(snapshot) ? await loadAwsManagedPolicies() : undefined;
      // The deadline as a moment on the audit's clock, taken after the reads: what is left of the time now.
      const remaining = deadline?.remainingMs() ?? Number.POSITIVE_INFINITY;
      return auditAccount(snapshot, {
        catalog,
        ...(awsManagedPolicies ? { awsManagedPolicies } : {}),
        suppressions: config.suppressions,
        tagSuppression: config.tagSuppression,
        ...(config.awsManagedBaseline ? { awsManagedBaseline: config.awsManagedBaseline } : {}),
        generatedAt: now().toISOString(),
        tool: TOOL,
        ...(present ? { functionNames: present } : {}),
        clock,
        ...(overrides.functionBudgetMs === undefined ? {} : { functionBudgetMs: overrides.functionBudgetMs }),
        ...(Number.isFinite(remaining) ? { deadline: clock() + remaining } : {}),
      });
    },
  };
}

/**
 * One Lambda pace for every invocation of the stack (lambda-pace.ts), installed on each Region's Lambda
 * client before any reader installs its own: every path that calls Lambda through these clients (the
 * listings, the readers, the tag reads of alerts) takes its tokens from the state table.
 */
function shareLambdaPace(
  config: AuditorConfig,
  clientsByRegion: ReadonlyMap<string, AwsClients>,
  dynamodb: DynamoDBClient,
): void {
  for (const [region, clients] of clientsByRegion) {
    const pace = createSharedLambdaPace({
      client: dynamodb,
      tableName: config.stateTableName,
      region,
      requestsPerSecond: config.lambdaRequestsPerSecond ?? DEFAULT_LAMBDA_REQUESTS_PER_SECOND,
      invocations: config.lambdaPaceInvocations ?? 1,
      onFallback: (reason) =>
        centralLogger.warn('the shared Lambda pace cannot reach the state table: pacing locally', {
          region,
          localRequestsPerSecond:
            (config.lambdaRequestsPerSecond ?? DEFAULT_LAMBDA_REQUESTS_PER_SECOND) /
            (config.lambdaPaceInvocations ?? 1),
          error: reason,
        }),
    });
    limitRequests(clients.lambda, { maxConcurrent: DEFAULT_LAMBDA_MAX_CONCURRENT, pace });
  }
}

/** The alert topic, and the organization's central topic (best effort) when the deployment names one. */
function publisherFor(
  config: AuditorConfig,
  sns: SNSClient,
  common: Pick<ClientSettings, 'endpoint' | 'credentials'>,
): AlertPublisher {
  const own = createSnsPublisher({ client: sns, topicArn: config.alertTopicArn });
  const centralArn = config.centralAlertTopicArn;
  if (centralArn === undefined) return own;
  // Short timeouts and one retry: an unreachable central account must not eat the handler's deadline.
  const centralClient = new SNSClient({
    region: centralArn.split(':')[3] ?? config.region,
    ...common,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  });
  const central = createSnsPublisher({ client: centralClient, topicArn: centralArn });
  return withCentralTopic(own, central, centralArn, (topicArn, error) => {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    centralLogger.warn('central alert topic unreachable: the alert went to this account topic only', {
      topicArn,
      error: reason.slice(0, 500),
    });
  });
}

const centralLogger = createLogger('lambda-role-audit');

function view(base: Base): RuntimeBase {
  const { config, clientsByRegion, dynamodb, sns, publisher, workQueue } = base;
  return { config, clientsByRegion, dynamodb, sns, publisher, ...(workQueue ? { workQueue } : {}) };
}

/**
 * Named functions through the inventory readers, every region of them in one snapshot (a role is judged
 * with its functions everywhere, as the live source does).
 */
function inventorySource(
  readers: ReadonlyMap<string, InventoryReader>,
  read: (
    reader: InventoryReader,
    functionArns: readonly string[],
    region: string,
  ) => Promise<LiveAccountData>,
): AccountSource {
  return {
    async load(scope) {
      const byRegion = new Map<string, string[]>();
      for (const arn of scope.functionNames ?? []) {
        const region = arn.split(':')[3] ?? '';
        byRegion.set(region, [...(byRegion.get(region) ?? []), arn]);
      }
      const snapshots = await Promise.all(
        [...byRegion].map(async ([region, arns]) => {
          const reader = readers.get(region);
          if (!reader) throw new Error(`region ${region} is not audited`);
          return toAccountSnapshot(await read(reader, arns, region), { includesRoleSiblings: true });
        }),
      );
      const [only] = snapshots;
      return snapshots.length === 1 && only ? only : mergeSnapshots(snapshots);
    },
  };
}

function changeParts(
  base: Base,
  inventory: InventoryLookup & InventoryWriter & InventoryMarker,
): Pick<ChangeRuntime, 'newBatch'> {
  return {
    newBatch(options = {}) {
      const marks = options.marksInventory ?? true;
      const first = base.clientsByRegion.values().next().value;
      if (!first) throw new Error('no audited region');
      // One ListFunctions scan and one mapping listing per region serve the resolution of changes.
      const listing = createFunctionListing(base.lambdaByRegion);
      const live = createAwsDirectory({ iam: first.iam, lambdaByRegion: base.lambdaByRegion, listing });
      // Functions a Lambda event named: the inventory's entry is read again (the event says it changed).
      const refresh = new Set<string>();
      let swept: Promise<boolean> | undefined;
      const directory: AwsDirectory = {
        ...live,
        async functionsOfRoles(roleNames) {
          // From the inventory once a sweep has filled it: no ListFunctions scan for an IAM change.
          // The inventory unreadable: the scan, as before it existed.
          swept ??= inventory.lastSweep().then(
            (at) => at !== undefined,
            () => false,
          );
          if (!(await swept)) return live.functionsOfRoles(roleNames);
          const found = await Promise.all(roleNames.map((role) => inventory.functionsOfRole(role)));
          return [...new Set(found.flat())].filter((arn) => base.lambdaByRegion.has(arn.split(':')[3] ?? ''));
        },
        async functionsSharingRoleWith(functionArn) {
          refresh.add(functionArn);
          // Marked in the inventory too, for an audit elsewhere (a big change's worker chunks). The inventory
          // is a cache: a mark that cannot be written leaves this batch's own refresh, and the sweep.
          if (marks)
            await inventory.invalidate([functionArn], new Date().toISOString()).catch(() => undefined);
          return live.functionsSharingRoleWith(functionArn);
        },
        async functionsUsingResource(resourceArn, region) {
          // Every entry that keeps this resource's key is read again, whether or not its function is found
          // here (a function sending to it as an asynchronous destination is not).
          if (marks)
            await inventory.markKeyChanged(resourceArn, new Date().toISOString()).catch(() => undefined);
          return live.functionsUsingResource(resourceArn, region);
        },
      };
      // Entries read again share the batch's ListFunctions scan and mapping listing with the directory.
      const source = inventorySource(base.inventoryReaders(inventory), (reader, functionArns, region) =>
        reader.read({
          mode: 'change',
          functionArns,
          refresh,
          listing: {
            listFunctions: () => listing.list(region),
            listEventSourceMappings: () => listing.listMappings(region),
          },
        }),
      );
      return {
        directory,
        auditFunctions: (functionArns, deadline) => {
          if (functionArns.length === 0) return Promise.reject(new Error('no function to audit'));
          return base.audit(source, functionArns, deadline);
        },
      };
    },
  };
}

function sweepParts(base: Base): Pick<SweepRuntime, 'auditRegions' | 'listRegion'> {
  return {
    auditRegions: (regions, deadline) => base.audit(base.sourceOf(regions), undefined, deadline),
    listRegion: async (region) => {
      const lambda = base.lambdaByRegion.get(region);
      if (!lambda) throw new Error(`region ${region} is not audited`);
      return listRegion(lambda);
    },
  };
}

function workerParts(base: Base, inventory: InventoryStore): Pick<WorkerRuntime, 'auditChunk'> {
  return {
    auditChunk(request) {
      // A chunk holds whole roles across regions: each region's reader reads that region's functions, with
      // that region's share of the sweep's listing.
      const source = inventorySource(base.inventoryReaders(inventory), (reader, functionArns, region) =>
        request.kind === 'sweep'
          ? reader.read({
              mode: 'sweep',
              functionArns,
              listed: (regionInputOf(request.input, region) ?? {
                functions: [],
                eventSourceMappings: [],
              }) as ListedChunk,
              runStartedAt: request.runStartedAt,
              deadline: request.deadline,
            })
          : reader.read({ mode: 'change', functionArns }),
      );
      return base.audit(source, request.functionArns, request.deadline);
    },
  };
}

/** The change batch and the chunk audit over one inventory (the worker, tests). */
function everything(base: Base, inventory: InventoryStore) {
  return { ...changeParts(base, inventory), ...workerParts(base, inventory), inventory };
}

function withInventory(base: Base, inventory: InventoryLookup & InventoryWriter & InventoryMarker) {
  return { ...changeParts(base, inventory), inventory };
}

const tableOf = (base: Base) => ({ client: base.dynamodb, tableName: base.config.stateTableName });

/** The hub the findings go to: the home region's, on the account's default product. */
function hubTarget(config: AuditorConfig): HubTarget {
  return { partition: config.partition ?? 'aws', region: config.region, account: config.account };
}

function securityHubClient(config: AuditorConfig, settings: ClientSettings): SecurityHubClient {
  return new SecurityHubClient({
    region: config.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    retryMode: 'adaptive',
    maxAttempts: settings.maxAttempts ?? 5,
  });
}

/** The change handler's Security Hub part: imports only. */
function hubSink(config: AuditorConfig, settings: ClientSettings): SecurityHubSink | undefined {
  if (config.securityHub !== true) return undefined;
  return {
    target: hubTarget(config),
    importer: createFindingsImporter({ client: securityHubClient(config, settings) }),
  };
}

/** The sweep's Security Hub part: imports and the reading of this tool's ACTIVE records. */
function hubReconciler(config: AuditorConfig, settings: ClientSettings): SecurityHubReconciler | undefined {
  if (config.securityHub !== true) return undefined;
  const client = securityHubClient(config, settings);
  const target = hubTarget(config);
  return {
    target,
    importer: createFindingsImporter({ client }),
    reader: createActiveFindingsReader({ client, productArn: defaultProductArn(target) }),
  };
}

/** The change handler's runtime. */
export function createChangeRuntime(
  config: AuditorConfig,
  settings: ClientSettings = {},
  overrides: RuntimeOverrides = {},
): ChangeRuntime {
  const base = createBase(config, settings, overrides);
  const table = tableOf(base);
  return {
    ...view(base),
    stateStore: { ...createStateReader(table), ...createStateWriter(table) },
    ...optional('securityHub', hubSink(config, settings)),
    ...withInventory(base, {
      ...createInventoryLookup(table),
      ...createInventoryWriter(table),
      ...createInventoryMarker(table),
    }),
    runs: createRunRecorder(table),
  };
}

/** The sweep's runtime. */
export function createSweepRuntime(
  config: AuditorConfig,
  settings: ClientSettings = {},
  overrides: RuntimeOverrides = {},
): SweepRuntime {
  const base = createBase(config, settings, overrides);
  const table = tableOf(base);
  return {
    ...view(base),
    stateStore: { ...createStateLister(table), ...createStateWriter(table) },
    ...optional('securityHub', hubReconciler(config, settings)),
    inventory: { ...createInventoryLister(table), ...createInventoryWriter(table) },
    runs: createRunRecorder(table),
    ...sweepParts(base),
  };
}

/** The worker's runtime. */
export function createWorkerRuntime(
  config: AuditorConfig,
  settings: ClientSettings = {},
  overrides: RuntimeOverrides = {},
): WorkerRuntime {
  return workerRuntimeOf(createBase(config, settings, overrides), config, settings);
}

/** What the worker's runtime holds: every store, the inventory-backed audits, the runs. */
function workerRuntimeOf(base: Base, config: AuditorConfig, settings: ClientSettings): WorkerRuntime {
  const table = tableOf(base);
  return {
    ...view(base),
    stateStore: { ...createStateReader(table), ...createStateWriter(table), ...createStateLister(table) },
    ...optional('securityHub', hubReconciler(config, settings)),
    ...everything(base, createInventoryStore(table)),
    runs: createRunStore(table),
  };
}

/** Every runtime over one set of clients (tests, the bench, `npm run demo:change`). */
export function createAuditorRuntime(
  config: AuditorConfig,
  settings: ClientSettings = {},
  overrides: RuntimeOverrides = {},
): AuditorRuntime {
  const base = createBase(config, settings, overrides);
  return { ...workerRuntimeOf(base, config, settings), ...sweepParts(base) };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
