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
import { loadActionCatalog } from '../../shared/adapters/action-catalog/load-action-catalog.js';
import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/clients.js';
import { createFunctionListing, type FunctionListing } from '../../shared/adapters/aws/function-listing.js';
import { createMultiRegionLiveSource } from '../../shared/adapters/aws/live-source.js';
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
import type { Deadline } from '../../shared/app/deadline.js';
import { lacksAwsManagedPolicy } from '../../shared/app/run-audit.js';
import type { SecurityHubReconciler, SecurityHubSink } from '../../shared/app/security-hub-sync.js';
import { auditAccount } from '../../shared/domain/audit/audit-account.js';
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
}

export interface ChangeRuntime extends RuntimeBase {
  readonly stateStore: StateReader & StateWriter;
  /** Present when the deployment sends findings to Security Hub (SECURITY_HUB=true). */
  readonly securityHub?: SecurityHubSink;
  /** What one batch of changes uses: a directory and an audit sharing the batch's ListFunctions scans. */
  newBatch(): ChangeBatch;
}

export interface SweepRuntime extends RuntimeBase {
  readonly stateStore: StateLister & StateWriter;
  /** Present when the deployment sends findings to Security Hub (SECURITY_HUB=true). */
  readonly securityHub?: SecurityHubReconciler;
  /** The whole account in these audited regions, as one audit; functions not finished before `deadline` are
   * listed under the report's `errors`. */
  auditRegions(regions: readonly string[], deadline?: Deadline): Promise<Report>;
}

/** Both runtimes over one set of clients. */
export interface AuditorRuntime extends RuntimeBase {
  readonly stateStore: StateReader & StateWriter & StateLister;
  readonly securityHub?: SecurityHubReconciler;
  newBatch(): ChangeBatch;
  auditRegions(regions: readonly string[], deadline?: Deadline): Promise<Report>;
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
  const sns = new SNSClient({ region: config.region, ...common, ...retry });
  const lambdaByRegion = new Map<string, LambdaClient>([...clientsByRegion].map(([r, c]) => [r, c.lambda]));
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
    publisher: publisherFor(config, sns, common),
    lambdaByRegion,
    sourceOf(regions, listing) {
      const wanted = new Map<string, AwsClients>();
      for (const region of regions) {
        const clients = clientsByRegion.get(region);
        if (!clients) throw new Error(`region ${region} is not audited`);
        wanted.set(region, clients);
      }
      return createMultiRegionLiveSource({
        clientsByRegion: wanted,
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
  const { config, clientsByRegion, dynamodb, sns, publisher } = base;
  return { config, clientsByRegion, dynamodb, sns, publisher };
}

function changeParts(base: Base): Pick<ChangeRuntime, 'newBatch'> {
  return {
    newBatch() {
      const first = base.clientsByRegion.values().next().value;
      if (!first) throw new Error('no audited region');
      // One ListFunctions scan and one mapping listing per region serve both the resolution of changes
      // and the audit.
      const listing = createFunctionListing(base.lambdaByRegion);
      return {
        directory: createAwsDirectory({ iam: first.iam, lambdaByRegion: base.lambdaByRegion, listing }),
        auditFunctions: (functionArns, deadline) => {
          if (functionArns.length === 0) return Promise.reject(new Error('no function to audit'));
          const regions = [...new Set(functionArns.map((arn) => arn.split(':')[3] ?? ''))];
          return base.audit(base.sourceOf(regions, listing), functionArns, deadline);
        },
      };
    },
  };
}

function sweepParts(base: Base): Pick<SweepRuntime, 'auditRegions'> {
  return { auditRegions: (regions, deadline) => base.audit(base.sourceOf(regions), undefined, deadline) };
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
    ...changeParts(base),
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
    ...sweepParts(base),
  };
}

/** Both runtimes over one set of clients (tests, the bench, `npm run demo:change`). */
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
    ...optional('securityHub', hubReconciler(config, settings)),
    ...changeParts(base),
    ...sweepParts(base),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
