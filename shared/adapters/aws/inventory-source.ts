/**
 * Named functions read through the inventory (issue 10): their configurations, mappings, invoke configs,
 * tags, and the versions, aliases and resource keys those lead to (issue 9) from the state table, their roles
 * and policies fresh from IAM. Lambda (and SQS, Kinesis, SNS, Secrets Manager, KMS) is asked only for what
 * the inventory cannot vouch for, and what it answers is written back:
 *
 * - `change`: entries absent, incomplete, stale (inventory-store.ts `isFresh`) or named in `refresh` (the
 *   functions a Lambda event changed, and those using a resource whose key changed) are read per function;
 *   the rest costs no call at all, so an IAM change to fresh functions costs none. An entry without its
 *   targets (written before they were kept, or too big with them) has them read at each audit.
 * - `sweep`: the chunk's configurations and mappings come from the dispatcher's listing; the invoke configs,
 *   tags, qualified targets and resource keys of every function not read since the run started are read (two
 *   Lambda calls each, more for qualified targets), in slices written back one by one, so that a chunk cut off
 *   by its deadline resumes on its retry where it stopped.
 */
import {
  type EventSourceMappingConfiguration,
  type LambdaClient,
  type FunctionConfiguration as LambdaFunctionConfiguration,
  paginateListEventSourceMappings,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import type { Deadline } from '../../app/deadline.js';
import type { RegionListing } from '../../app/fan-out.js';
import type { ReadError } from '../../domain/model.js';
import {
  type InventoryEntry,
  type InventoryLookup,
  type InventoryWriter,
  isFresh,
} from '../state-store/inventory-store.js';
import type { AwsClients } from './clients.js';
import { withFunctionTags } from './function-tags.js';
import { joinTargets, targetsOf } from './inventory-targets.js';
import { DEFAULT_READ_CONCURRENCY, type LiveAccountData, LiveAccountReader } from './live-account-reader.js';
import {
  DEFAULT_IAM_MAX_CONCURRENT,
  DEFAULT_LAMBDA_MAX_CONCURRENT,
  DEFAULT_LAMBDA_REQUESTS_PER_SECOND,
} from './live-source.js';
import { limitRequests } from './request-limits.js';

/** One region's listings, shared with other readers of the same batch. */
export interface RegionLists {
  listFunctions(): Promise<readonly LambdaFunctionConfiguration[]>;
  listEventSourceMappings(): Promise<readonly EventSourceMappingConfiguration[]>;
}

/** The sweep dispatcher's listing of a chunk's functions (the chunk's stored input). */
export interface ListedChunk {
  readonly functions: readonly LambdaFunctionConfiguration[];
  readonly eventSourceMappings: readonly EventSourceMappingConfiguration[];
}

export type InventoryRead =
  | {
      readonly mode: 'change';
      readonly functionArns: readonly string[];
      /** Functions a Lambda event changed: read again whatever the inventory holds. */
      readonly refresh?: ReadonlySet<string>;
      /**
       * The region's functions and mappings as the caller's batch lists them (function-listing.ts): many
       * entries to read again come from that one listing, not from a ListFunctions scan of their own.
       */
      readonly listing?: RegionLists;
    }
  | {
      readonly mode: 'sweep';
      readonly functionArns: readonly string[];
      readonly listed: ListedChunk;
      /** Entries read since then are this run's already (a retried chunk). */
      readonly runStartedAt: string;
      readonly deadline?: Deadline;
    };

export interface InventorySourceOptions {
  /** The region's clients; with the encryption clients, the keys of the functions' resources are read. */
  readonly clients: Pick<AwsClients, 'iam' | 'lambda'> & Partial<AwsClients>;
  readonly inventory: Pick<InventoryLookup, 'getMany' | 'lastSweep' | 'keyChanges'> &
    Pick<InventoryWriter, 'putMany' | 'deleteMany'>;
  /** Lambda requests per second of this reader (default 10; the worker's share of the account's pace). */
  readonly lambdaRequestsPerSecond?: number;
  readonly now?: () => Date;
  readonly concurrency?: number;
}

/** Functions read from Lambda per slice of a sweep chunk (each slice is written back before the next). */
const SWEEP_SLICE = 50;

export class ChunkReadCutOffError extends Error {
  constructor(read: number, total: number) {
    super(`the chunk's deadline passed after reading ${read} of ${total} functions (the retry resumes)`);
    this.name = 'ChunkReadCutOffError';
  }
}

const unqualified = (arn: string) => arn.split(':').slice(0, 7).join(':');

/** A secret's ARN without the six random characters Secrets Manager appends to its name. */
function secretWithoutSuffix(arn: string): string {
  const dash = arn.lastIndexOf('-');
  return dash > arn.lastIndexOf(':') && arn.length - dash === 7 ? arn.slice(0, dash) : arn;
}

function belongsTo(functionArn: string, target: string | undefined): boolean {
  return target !== undefined && (target === functionArn || target.startsWith(`${functionArn}:`));
}

function entriesOf(data: LiveAccountData, readAt: string): InventoryEntry[] {
  return data.functions.flatMap((configuration) => {
    const functionArn = configuration.FunctionArn;
    if (!functionArn) return [];
    // A function whose tags, invoke configs or versions could not be read keeps no entry: the next read asks again.
    const unread = data.readErrors.some((e) => e.functionName === configuration.FunctionName);
    if (unread) return [];
    const eventSourceMappings = data.eventSourceMappings.filter((m) => belongsTo(functionArn, m.FunctionArn));
    const eventInvokeConfigs = data.eventInvokeConfigs.filter((c) => belongsTo(functionArn, c.FunctionArn));
    return [
      {
        functionArn,
        configuration,
        eventSourceMappings,
        eventInvokeConfigs,
        tagsRead: true,
        // Read with the rest (a read without them, `versions` absent, keeps none).
        ...(data.versions === undefined
          ? {}
          : {
              targets: targetsOf(
                functionArn,
                configuration,
                eventSourceMappings,
                eventInvokeConfigs,
                data,
                data.region,
              ),
            }),
        readAt,
      },
    ];
  });
}

export interface InventoryReader {
  read(request: InventoryRead): Promise<LiveAccountData>;
}

export function createInventoryReader(options: InventorySourceOptions): InventoryReader {
  limitRequests(options.clients.lambda, {
    maxConcurrent: DEFAULT_LAMBDA_MAX_CONCURRENT,
    requestsPerSecond: options.lambdaRequestsPerSecond ?? DEFAULT_LAMBDA_REQUESTS_PER_SECOND,
  });
  limitRequests(options.clients.iam, { maxConcurrent: DEFAULT_IAM_MAX_CONCURRENT });
  const concurrency = options.concurrency ?? DEFAULT_READ_CONCURRENCY;
  const reader = new LiveAccountReader({ clients: options.clients, concurrency });
  const now = options.now ?? (() => new Date());
  const { inventory } = options;
  const { sqs, kinesis, sns, secretsManager, kms } = options.clients;
  const readsKeys = Boolean(sqs && kinesis && sns && secretsManager && kms);
  /** Whether an entry's targets serve this reader (the keys too, when it reads keys). */
  const keepsTargets = (entry: InventoryEntry): boolean =>
    entry.targets !== undefined && (!readsKeys || entry.targets.resourceEncryption !== undefined);

  /** Roles and policies from IAM for the entries, and the entries as a live read. */
  async function assemble(
    region: string,
    entries: readonly InventoryEntry[],
    readErrors: ReadError[],
    extra?: LiveAccountData,
  ): Promise<LiveAccountData> {
    const functions = [...(extra?.functions ?? []), ...entries.map((e) => e.configuration)];
    const mappings = [
      ...(extra?.eventSourceMappings ?? []),
      ...entries.flatMap((e) => e.eventSourceMappings),
    ];
    const invokeConfigs = [
      ...(extra?.eventInvokeConfigs ?? []),
      ...entries.flatMap((e) => e.eventInvokeConfigs ?? []),
    ];
    // The versions, aliases and resource keys: from the entries that keep them, from the live read for the
    // functions read just now, and read for the other entries as a live read does.
    const kept = entries.filter(keepsTargets);
    const missing = entries.filter((e) => !keepsTargets(e));
    const read =
      missing.length === 0
        ? undefined
        : await reader.readTargetsAndKeysOf(
            missing.map((e) => e.configuration),
            missing.flatMap((e) => e.eventSourceMappings),
            missing.flatMap((e) => e.eventInvokeConfigs ?? []),
          );
    const readAt = now().toISOString();
    const targets = joinTargets([
      ...kept.flatMap((e) => (e.targets ? [{ targets: e.targets, readAt: e.readAt }] : [])),
      ...(extra ? [{ targets: extra, readAt }] : []),
      ...(read ? [{ targets: read, readAt }] : []),
    ]);
    // The roles of the functions and of the versions their qualified targets name (a version keeps the
    // role it was published with).
    const rolesOf = new Map<string, Set<string>>(); // function name → its roles and its versions' roles
    for (const fn of [...functions, ...(targets.versions ?? [])]) {
      const name = fn.FunctionName ?? '';
      if (!fn.Role) continue;
      const roles = rolesOf.get(name) ?? new Set<string>();
      roles.add(fn.Role);
      rolesOf.set(name, roles);
    }
    const known = new Set((extra?.authorizationDetails.RoleDetailList ?? []).map((r) => r.Arn));
    const roleArns = [...new Set([...rolesOf.values()].flatMap((roles) => [...roles]))].filter(
      (arn) => !known.has(arn),
    );
    const iam = await reader.readRoles(roleArns);
    // A failure names a role or a policy: it makes every function of the roles concerned incomplete.
    for (const failure of iam.failures) {
      const roles = new Set([failure.resource]);
      for (const role of iam.roles) {
        const attaches =
          role.AttachedManagedPolicies?.some((p) => p.PolicyArn === failure.resource) ||
          role.PermissionsBoundary?.PermissionsBoundaryArn === failure.resource;
        if (attaches && role.Arn) roles.add(role.Arn);
      }
      for (const entry of entries) {
        const name = entry.configuration.FunctionName ?? entry.functionArn;
        if ([...(rolesOf.get(name) ?? [])].some((role) => roles.has(role)))
          readErrors.push({ ...failure, functionName: name });
      }
    }
    const policies = new Map(
      [...(extra?.authorizationDetails.Policies ?? []), ...iam.policies].map((p) => [p.Arn, p]),
    );
    return {
      region,
      coverage: 'functions',
      authorizationDetails: {
        RoleDetailList: [...(extra?.authorizationDetails.RoleDetailList ?? []), ...iam.roles],
        Policies: [...policies.values()],
      },
      functions,
      eventSourceMappings: mappings,
      eventInvokeConfigs: invokeConfigs,
      ...(targets.versions ? { versions: targets.versions } : {}),
      ...(targets.aliases ? { aliases: targets.aliases } : {}),
      ...(targets.resourceEncryption ? { resourceEncryption: targets.resourceEncryption } : {}),
      readErrors: [...(extra?.readErrors ?? []), ...readErrors, ...(read?.readErrors ?? [])],
    };
  }

  /**
   * The entries that keep the keys of a resource whose key changed after they were read (its mark,
   * inventory-store.ts `markKeyChanged`). The marks unreadable: every entry that keeps keys is read again.
   */
  async function keyChangedSince(entries: ReadonlyMap<string, InventoryEntry>): Promise<Set<string>> {
    const uses = new Map<string, string[]>(); // entry → the resources whose keys it keeps
    for (const [arn, entry] of entries) {
      const file = entry.targets?.resourceEncryption;
      if (file === undefined) continue;
      const resources = [
        ...(file.Queues ?? []).map((q) => q.Attributes.QueueArn),
        ...(file.Streams ?? []).map((s) => s.StreamDescriptionSummary.StreamARN),
        ...(file.Topics ?? []).map((t) => t.Attributes.TopicArn),
        ...(file.Secrets ?? []).flatMap((s) => [s.ARN, secretWithoutSuffix(s.ARN)]),
        ...(file.Unreadable ?? []).map((u) => u.Resource),
      ];
      if (resources.length > 0) uses.set(arn, resources);
    }
    if (uses.size === 0) return new Set();
    const marks = await inventory.keyChanges([...new Set([...uses.values()].flat())]).catch(() => undefined);
    const changed = new Set<string>();
    for (const [arn, resources] of uses) {
      const readAt = entries.get(arn)?.readAt ?? '';
      if (marks === undefined || resources.some((r) => (marks.get(r) ?? '') > readAt)) changed.add(arn);
    }
    return changed;
  }

  async function readChange(
    region: string,
    functionArns: readonly string[],
    refresh: ReadonlySet<string>,
    listing: RegionLists | undefined,
  ): Promise<LiveAccountData> {
    // The inventory is a cache of Lambda's answers: when it cannot be read, Lambda is asked instead.
    const [entries, lastSweep] = await Promise.all([
      inventory.getMany(functionArns),
      inventory.lastSweep(),
    ]).catch((): [Map<string, InventoryEntry>, undefined] => [new Map(), undefined]);
    const at = now();
    const keyChanged = await keyChangedSince(entries);
    const stale = functionArns.filter((arn) => {
      const entry = entries.get(arn);
      return (
        entry === undefined ||
        refresh.has(arn) ||
        !isFresh(entry, lastSweep, at) ||
        entry.invalidatedAt !== undefined ||
        keyChanged.has(arn)
      );
    });
    const fresh = functionArns.flatMap((arn) => {
      const entry = entries.get(arn);
      return entry !== undefined && !stale.includes(arn) ? [entry] : [];
    });
    let live: LiveAccountData | undefined;
    if (stale.length > 0) {
      // Many stale entries are read through the account-wide lists: the batch's, when it gives them.
      const via = listing
        ? new LiveAccountReader({
            clients: options.clients,
            concurrency,
            listFunctions: () => listing.listFunctions(),
            listEventSourceMappings: () => listing.listEventSourceMappings(),
          })
        : reader;
      live = await withFunctionTags(await via.readFunctions(stale), {
        lambda: options.clients.lambda,
        concurrency,
      });
      const readAt = at.toISOString();
      const present = new Set(live.functions.map((fn) => fn.FunctionArn));
      const unread = new Set(live.readErrors.map((e) => e.functionName));
      // Not in Lambda's answer, and no error about it: deleted. The inventory forgets it.
      const gone = stale.filter(
        (arn) => !present.has(arn) && !unread.has(arn) && !unread.has(arn.split(':')[6] ?? ''),
      );
      // A write that fails costs a read next time, never this audit: the answer is in hand.
      await Promise.all([
        inventory.putMany(entriesOf(live, readAt)),
        gone.length > 0 ? inventory.deleteMany(gone) : undefined,
      ]).catch(() => undefined);
    }
    return assemble(region, fresh, [], live);
  }

  async function readSweep(
    region: string,
    functionArns: readonly string[],
    listed: ListedChunk,
    runStartedAt: string,
    deadline: Deadline | undefined,
  ): Promise<LiveAccountData> {
    const wanted = new Set(functionArns);
    const configurations = listed.functions.filter((fn) => wanted.has(fn.FunctionArn ?? ''));
    const entries = await inventory.getMany(functionArns);
    const done = new Map<string, InventoryEntry>();
    for (const configuration of configurations) {
      const entry = entries.get(configuration.FunctionArn ?? '');
      if (entry && entry.readAt >= runStartedAt && entry.eventInvokeConfigs !== undefined && entry.tagsRead)
        done.set(entry.functionArn, entry);
    }
    const toRead = configurations.filter((fn) => !done.has(fn.FunctionArn ?? ''));
    const readErrors: ReadError[] = [];
    for (let i = 0; i < toRead.length; i += SWEEP_SLICE) {
      if (deadline !== undefined && deadline.remainingMs() <= 0)
        throw new ChunkReadCutOffError(configurations.length - toRead.length + i, configurations.length);
      const slice = toRead.slice(i, i + SWEEP_SLICE);
      // Dated before the reads: a change made while they run leaves the entry older than its mark.
      const sliceReadAt = now().toISOString();
      const invoke = await reader.readInvokeConfigs(slice);
      const present = slice.filter((fn) => !invoke.gone.has(fn.FunctionArn ?? ''));
      const sliceArns = new Set(present.map((fn) => fn.FunctionArn ?? ''));
      const sliceMappings = listed.eventSourceMappings.filter((m) =>
        sliceArns.has(unqualified(m.FunctionArn ?? '')),
      );
      // The versions and aliases the slice's qualified targets name, and its resources' keys: kept too.
      const targets = await reader.readTargetsAndKeysOf(present, sliceMappings, invoke.configs);
      const tagged = await withFunctionTags(
        {
          region,
          coverage: 'functions',
          authorizationDetails: { RoleDetailList: [], Policies: [] },
          functions: present,
          eventSourceMappings: sliceMappings,
          eventInvokeConfigs: invoke.configs,
          versions: targets.versions ?? [],
          aliases: targets.aliases ?? [],
          ...(targets.resourceEncryption ? { resourceEncryption: targets.resourceEncryption } : {}),
          readErrors: [...invoke.readErrors, ...targets.readErrors],
        },
        { lambda: options.clients.lambda, concurrency },
      );
      readErrors.push(...tagged.readErrors);
      const fresh = entriesOf(tagged, sliceReadAt);
      await inventory.putMany(fresh);
      for (const entry of fresh) done.set(entry.functionArn, entry);
      // A function that could not be read fully is audited from what the listing gave, with its error.
      for (const fn of present) {
        const arn = fn.FunctionArn ?? '';
        if (done.has(arn)) continue;
        const configuration = tagged.functions.find((t) => t.FunctionArn === arn) ?? fn;
        const eventSourceMappings = tagged.eventSourceMappings.filter((m) => belongsTo(arn, m.FunctionArn));
        const eventInvokeConfigs = tagged.eventInvokeConfigs.filter((c) => belongsTo(arn, c.FunctionArn));
        done.set(arn, {
          functionArn: arn,
          configuration,
          eventSourceMappings,
          eventInvokeConfigs,
          tagsRead: false,
          // What the slice read of its targets (its errors are the read's): not read a second time.
          targets: targetsOf(arn, configuration, eventSourceMappings, eventInvokeConfigs, tagged, region),
          readAt: now().toISOString(),
        });
      }
    }
    return assemble(region, [...done.values()], readErrors);
  }

  return {
    async read(request) {
      const region = await options.clients.lambda.config.region();
      if (request.mode === 'change')
        return readChange(region, request.functionArns, request.refresh ?? new Set(), request.listing);
      return readSweep(region, request.functionArns, request.listed, request.runStartedAt, request.deadline);
    },
  };
}

/**
 * One region's functions and mappings through the bulk lists (a call per 50 functions, per 100 mappings),
 * for the sweep's dispatcher: each chunk's input is its share of them.
 */
export async function listRegion(lambda: LambdaClient): Promise<RegionListing> {
  const functions: LambdaFunctionConfiguration[] = [];
  const mappings: EventSourceMappingConfiguration[] = [];
  await Promise.all([
    (async () => {
      for await (const page of paginateListFunctions({ client: lambda }, {}))
        functions.push(...(page.Functions ?? []));
    })(),
    (async () => {
      for await (const page of paginateListEventSourceMappings({ client: lambda }, {}))
        mappings.push(...(page.EventSourceMappings ?? []));
    })(),
  ]);
  const roleName = (arn: string | undefined) => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : undefined);
  return {
    functions: functions.flatMap((fn) => {
      if (!fn.FunctionArn) return [];
      const role = roleName(fn.Role);
      return [
        role === undefined
          ? { functionArn: fn.FunctionArn }
          : { functionArn: fn.FunctionArn, roleName: role },
      ];
    }),
    inputFor(functionArns): ListedChunk {
      const wanted = new Set(functionArns);
      return {
        functions: functions.filter((fn) => wanted.has(fn.FunctionArn ?? '')),
        eventSourceMappings: mappings.filter((m) => wanted.has(unqualified(m.FunctionArn ?? ''))),
      };
    },
  };
}
