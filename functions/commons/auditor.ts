/**
 * Composition for the change and sweep handlers: SDK clients (one set per audited region, created once
 * per execution environment), the live source, the audit, the state table, the alert topic.
 *
 * One runtime per handler: the change handler's (`createChangeRuntime`: named functions, the directory that
 * resolves changes, the state by key) and the sweep's (`createSweepRuntime`: the whole account, the whole
 * state table). Each handler imports only its own, so that its bundle, and the role built from what the
 * bundle sends (shared/auditor-permissions.ts), holds nothing the other needs. `createAuditorRuntime`
 * joins both over one set of clients, for tests and tools that drive both handlers.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClient } from '@aws-sdk/client-lambda';
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
import { createLiveSource } from '../../shared/adapters/aws/live-source.js';
import { loadAwsManagedPolicies } from '../../shared/adapters/aws-managed-policies/load-aws-managed-policies.js';
import { type AwsDirectory, createAwsDirectory } from '../../shared/adapters/directory/aws-directory.js';
import { type AlertPublisher, createSnsPublisher } from '../../shared/adapters/notifier/sns-notifier.js';
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
  createInventoryStore,
  createInventoryWriter,
  type InventoryLister,
  type InventoryLookup,
  type InventoryStore,
  type InventoryWriter,
} from '../../shared/adapters/state-store/inventory-store.js';
import { createRunRecorder, createRunStore } from '../../shared/adapters/state-store/run-store.js';
import { createSqsWorkQueue } from '../../shared/adapters/work-queue/sqs-work-queue.js';
import type { Deadline } from '../../shared/app/deadline.js';
import type {
  ChunkAuditRequest,
  RegionListing,
  RunRecorder,
  RunStore,
  WorkQueue,
} from '../../shared/app/fan-out.js';
import { lacksAwsManagedPolicy } from '../../shared/app/run-audit.js';
import { auditAccount } from '../../shared/domain/audit/audit-account.js';
import type { AccountSource } from '../../shared/domain/model.js';
import type { ActionCatalog } from '../../shared/domain/policy/action-catalog.js';
import type { Report } from '../../shared/domain/report.js';
import type { AuditorConfig } from './config.js';

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
  /** Function configurations, mappings, invoke configs and tags, in the state table (issue 10). */
  readonly inventory: InventoryLookup & InventoryWriter;
  /** Records a big change's run (fan-out). */
  readonly runs: RunRecorder;
  /** What one batch of changes uses: a directory and an audit sharing the batch's ListFunctions scans. */
  newBatch(): ChangeBatch;
}

export interface SweepRuntime extends RuntimeBase {
  readonly stateStore: StateLister & StateWriter;
  readonly inventory: InventoryLister & InventoryWriter;
  readonly runs: RunRecorder;
  /** One region's functions and mappings (bulk lists), for the sweep's dispatcher. */
  listRegion(region: string): Promise<RegionListing>;
  /** The whole region; functions not finished before `deadline` are listed under the report's `errors`. */
  auditRegion(region: string, deadline?: Deadline): Promise<Report>;
}

/** The worker's runtime: a chunk's audit, and both the sweep's and a change's settlement. */
export interface WorkerRuntime extends RuntimeBase {
  readonly stateStore: StateReader & StateWriter & StateLister;
  readonly inventory: InventoryStore;
  readonly runs: RunStore;
  newBatch(): ChangeBatch;
  auditChunk(request: ChunkAuditRequest): Promise<Report>;
}

/** Every runtime over one set of clients. */
export interface AuditorRuntime extends RuntimeBase {
  readonly stateStore: StateReader & StateWriter & StateLister;
  readonly inventory: InventoryStore;
  readonly runs: RunStore;
  newBatch(): ChangeBatch;
  auditRegion(region: string, deadline?: Deadline): Promise<Report>;
  listRegion(region: string): Promise<RegionListing>;
  auditChunk(request: ChunkAuditRequest): Promise<Report>;
}

export interface ChangeBatch {
  readonly directory: AwsDirectory;
  /** Functions not finished before `deadline` are listed under the report's `errors`. */
  auditFunctions(region: string, functionArns: readonly string[], deadline?: Deadline): Promise<Report>;
}

/** The clients, the catalog (read once per execution environment, on first use) and the audit of a source. */
interface Base extends RuntimeBase {
  readonly lambdaByRegion: ReadonlyMap<string, LambdaClient>;
  /** Readers of named functions through the inventory, one per region (created on first use). */
  inventoryReaders(
    inventory: Pick<InventoryLookup, 'getMany' | 'lastSweep'> & InventoryWriter,
  ): ReadonlyMap<string, InventoryReader>;
  sourcesWith(listing?: FunctionListing): Map<string, AccountSource>;
  audit(
    sources: ReadonlyMap<string, AccountSource>,
    region: string,
    functionNames?: readonly string[],
    deadline?: Deadline,
  ): Promise<Report>;
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
  const sns = new SNSClient({ region: config.region, ...common, ...retry });
  const lambdaByRegion = new Map<string, LambdaClient>([...clientsByRegion].map(([r, c]) => [r, c.lambda]));
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
  let catalog: Promise<ActionCatalog> | undefined;
  const getCatalog = () => {
    catalog ??= (overrides.catalog ?? loadActionCatalog)();
    return catalog;
  };
  const now = overrides.now ?? (() => new Date());
  const clock = overrides.clock ?? (() => performance.now());
  return {
    config,
    clientsByRegion,
    dynamodb,
    sns,
    publisher: createSnsPublisher({ client: sns, topicArn: config.alertTopicArn }),
    ...(sqs && config.workQueueUrl
      ? { workQueue: createSqsWorkQueue({ client: sqs, queueUrl: config.workQueueUrl }) }
      : {}),
    lambdaByRegion,
    inventoryReaders,
    sourcesWith: (listing) =>
      new Map(
        [...clientsByRegion].map(([region, clients]) => [
          region,
          createLiveSource({
            clients,
            // One pace per client, whichever reader installs it first (request-limits.ts): the same setting.
            ...(config.lambdaRequestsPerSecond
              ? { lambdaRequestsPerSecond: config.lambdaRequestsPerSecond }
              : {}),
            ...(listing ? { listFunctions: () => listing.list(region) } : {}),
          }),
        ]),
      ),
    async audit(sources, region, functionNames, deadline) {
      const source = sources.get(region);
      if (!source) throw new Error(`region ${region} is not audited`);
      // The change handler resolves every change to all functions of the roles concerned (resolve-affected.ts).
      const snapshot = await source.load(functionNames ? { functionNames, includesRoleSiblings: true } : {});
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

function view(base: Base): RuntimeBase {
  const { config, clientsByRegion, dynamodb, sns, publisher, workQueue } = base;
  return { config, clientsByRegion, dynamodb, sns, publisher, ...(workQueue ? { workQueue } : {}) };
}

/** A source over one region's inventory reader (the audit's `AccountSource`). */
function inventorySource(
  readers: ReadonlyMap<string, InventoryReader>,
  read: (reader: InventoryReader, functionArns: readonly string[]) => Promise<LiveAccountData>,
) {
  return (region: string): AccountSource => ({
    async load(scope) {
      const reader = readers.get(region);
      if (!reader) throw new Error(`region ${region} is not audited`);
      return toAccountSnapshot(await read(reader, scope.functionNames ?? []), { includesRoleSiblings: true });
    },
  });
}

function changeParts(
  base: Base,
  inventory: InventoryLookup & InventoryWriter,
): Pick<ChangeRuntime, 'newBatch'> {
  return {
    newBatch() {
      const first = base.clientsByRegion.values().next().value;
      if (!first) throw new Error('no audited region');
      // One ListFunctions scan per region serves both the resolution of changes and the audit.
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
          return live.functionsSharingRoleWith(functionArn);
        },
      };
      const source = inventorySource(base.inventoryReaders(inventory), (reader, functionArns) =>
        reader.read({ mode: 'change', functionArns, refresh }),
      );
      return {
        directory,
        auditFunctions: (region, functionArns, deadline) => {
          if (functionArns.length === 0) return Promise.reject(new Error('no function to audit'));
          return base.audit(new Map([[region, source(region)]]), region, functionArns, deadline);
        },
      };
    },
  };
}

function sweepParts(base: Base): Pick<SweepRuntime, 'auditRegion' | 'listRegion'> {
  const sources = base.sourcesWith();
  return {
    auditRegion: (region, deadline) => base.audit(sources, region, undefined, deadline),
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
      const source = inventorySource(base.inventoryReaders(inventory), (reader) =>
        request.kind === 'sweep'
          ? reader.read({
              mode: 'sweep',
              functionArns: request.functionArns,
              listed: (request.input ?? { functions: [], eventSourceMappings: [] }) as ListedChunk,
              runStartedAt: request.runStartedAt,
              deadline: request.deadline,
            })
          : reader.read({ mode: 'change', functionArns: request.functionArns }),
      );
      return base.audit(
        new Map([[request.region, source(request.region)]]),
        request.region,
        request.functionArns,
        request.deadline,
      );
    },
  };
}

function withInventory<I extends InventoryLookup & InventoryWriter, P>(
  base: Base,
  inventory: I,
  parts: (base: Base, inventory: I) => P,
): P & { inventory: I } {
  return { ...parts(base, inventory), inventory };
}

/** The change batch and the chunk audit over one inventory (the worker, tests). */
function everything(base: Base, inventory: InventoryStore) {
  return { ...changeParts(base, inventory), ...workerParts(base, inventory), inventory };
}

const tableOf = (base: Base) => ({ client: base.dynamodb, tableName: base.config.stateTableName });

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
    ...withInventory(base, { ...createInventoryLookup(table), ...createInventoryWriter(table) }, changeParts),
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
  const base = createBase(config, settings, overrides);
  const table = tableOf(base);
  return {
    ...view(base),
    stateStore: { ...createStateReader(table), ...createStateWriter(table), ...createStateLister(table) },
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
  const table = tableOf(base);
  return {
    ...view(base),
    stateStore: { ...createStateReader(table), ...createStateWriter(table), ...createStateLister(table) },
    ...everything(base, createInventoryStore(table)),
    runs: createRunStore(table),
    ...sweepParts(base),
  };
}
