/**
 * Named functions read through the inventory (issue 10): their configurations, mappings, invoke configs
 * and tags from the state table, their roles and policies fresh from IAM. Lambda is asked only for what
 * the inventory cannot vouch for, and what it answers is written back:
 *
 * - `change`: entries absent, incomplete, stale (inventory-store.ts `isFresh`) or named in `refresh` (the
 *   functions a Lambda event changed) are read per function; the rest costs no Lambda call at all, so an
 *   IAM change to fresh functions costs none.
 * - `sweep`: the chunk's configurations and mappings come from the dispatcher's listing; the invoke configs
 *   and tags of every function not read since the run started are read (two calls each), in slices written
 *   back one by one, so that a chunk cut off by its deadline resumes on its retry where it stopped.
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
  readonly inventory: Pick<InventoryLookup, 'getMany' | 'lastSweep'> &
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

function belongsTo(functionArn: string, target: string | undefined): boolean {
  return target !== undefined && (target === functionArn || target.startsWith(`${functionArn}:`));
}

function entriesOf(data: LiveAccountData, readAt: string): InventoryEntry[] {
  return data.functions.flatMap((configuration) => {
    const functionArn = configuration.FunctionArn;
    if (!functionArn) return [];
    // A function whose tags or invoke configs could not be read keeps no entry: the next read asks again.
    const unread = data.readErrors.some((e) => e.functionName === configuration.FunctionName);
    if (unread) return [];
    return [
      {
        functionArn,
        configuration,
        eventSourceMappings: data.eventSourceMappings.filter((m) => belongsTo(functionArn, m.FunctionArn)),
        eventInvokeConfigs: data.eventInvokeConfigs.filter((c) => belongsTo(functionArn, c.FunctionArn)),
        tagsRead: true,
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

  /** Roles and policies from IAM for the entries, and the entries as a live read. */
  async function assemble(
    region: string,
    entries: readonly InventoryEntry[],
    readErrors: ReadError[],
    extra?: LiveAccountData,
  ): Promise<LiveAccountData> {
    const known = new Set((extra?.authorizationDetails.RoleDetailList ?? []).map((r) => r.Arn));
    const roleArns = [
      ...new Set(entries.flatMap((e) => (e.configuration.Role ? [e.configuration.Role] : []))),
    ].filter((arn) => !known.has(arn));
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
        if (entry.configuration.Role && roles.has(entry.configuration.Role))
          readErrors.push({
            ...failure,
            functionName: entry.configuration.FunctionName ?? entry.functionArn,
          });
      }
    }
    const policies = new Map(
      [...(extra?.authorizationDetails.Policies ?? []), ...iam.policies].map((p) => [p.Arn, p]),
    );
    // The versions and aliases qualified targets name, and the keys of the resources used, are not kept in
    // the inventory (they change without a Lambda event): read for every function, as a live read does.
    const functions = [...(extra?.functions ?? []), ...entries.map((e) => e.configuration)];
    const mappings = [
      ...(extra?.eventSourceMappings ?? []),
      ...entries.flatMap((e) => e.eventSourceMappings),
    ];
    const invokeConfigs = [
      ...(extra?.eventInvokeConfigs ?? []),
      ...entries.flatMap((e) => e.eventInvokeConfigs ?? []),
    ];
    const targets = await reader.readTargetsAndKeysOf(functions, mappings, invokeConfigs);
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
      readErrors: [...(extra?.readErrors ?? []), ...readErrors, ...targets.readErrors],
    };
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
    const stale = functionArns.filter((arn) => {
      const entry = entries.get(arn);
      return entry === undefined || refresh.has(arn) || !isFresh(entry, lastSweep, at);
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
      const invoke = await reader.readInvokeConfigs(slice);
      const present = slice.filter((fn) => !invoke.gone.has(fn.FunctionArn ?? ''));
      const sliceArns = new Set(present.map((fn) => fn.FunctionArn ?? ''));
      const tagged = await withFunctionTags(
        {
          region,
          coverage: 'functions',
          authorizationDetails: { RoleDetailList: [], Policies: [] },
          functions: present,
          eventSourceMappings: listed.eventSourceMappings.filter((m) =>
            sliceArns.has(unqualified(m.FunctionArn ?? '')),
          ),
          eventInvokeConfigs: invoke.configs,
          readErrors: invoke.readErrors,
        },
        { lambda: options.clients.lambda, concurrency },
      );
      readErrors.push(...tagged.readErrors);
      const fresh = entriesOf(tagged, now().toISOString());
      await inventory.putMany(fresh);
      for (const entry of fresh) done.set(entry.functionArn, entry);
      // A function that could not be read fully is audited from what the listing gave, with its error.
      for (const fn of present) {
        const arn = fn.FunctionArn ?? '';
        if (done.has(arn)) continue;
        done.set(arn, {
          functionArn: arn,
          configuration: tagged.functions.find((t) => t.FunctionArn === arn) ?? fn,
          eventSourceMappings: tagged.eventSourceMappings.filter((m) => belongsTo(arn, m.FunctionArn)),
          eventInvokeConfigs: tagged.eventInvokeConfigs.filter((c) => belongsTo(arn, c.FunctionArn)),
          tagsRead: false,
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
