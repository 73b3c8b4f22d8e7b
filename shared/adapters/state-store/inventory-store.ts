/**
 * The inventory (issue 10): what Lambda said about each function — its configuration, its event source
 * mappings, its event invoke configs and its tags — and what those lead to (issue 9): the published versions
 * and aliases its qualified mappings and invoke configs name, and the encryption attributes of the queues,
 * streams, topics and secrets it uses with the KMS keys they name. All kept in the state table beside the
 * remembered findings, with the time it was read. An IAM change is then judged from the inventory plus
 * fresh IAM reads, without a single Lambda, SQS, Kinesis, SNS, Secrets Manager or KMS call; the sweep,
 * Lambda change events and key-changing events of the resources keep it current.
 *
 * Items live in the state table under keys no function ARN can take (`inventory|<function ARN>`, and
 * `meta|last-sweep`): the state lister skips them (`isReservedKey`). Each inventory item carries the
 * function's execution role name in `inventoryRole`, the partition key of the sparse global secondary
 * index `InventoryByRole` (keys only), so that "the functions of this role" is one Query, not a
 * ListFunctions scan.
 *
 * The entry is stored as JSON text in the APIs' own shapes (timestamps as ISO strings, the export
 * folder's form): the live snapshot's schemas read it exactly as they read a fresh answer. An item holds
 * 400 KB at most (names and values): an entry whose text is bigger is stored gzipped (`entryGzip`), then
 * without its `targets` (read at each audit instead), and in the worst case as a stub without an entry, which
 * keeps the function in the role index while every read asks Lambda (`toItem`). The largest realistic entry
 * (test/integration/inventory-store.test.ts: Lambda's maxima for environment, tags, layers, VPC and filter
 * patterns, 5 mappings, 2 versions, 10 aliases, 5 encrypted queues) is 148 KB, stored as it is.
 */

import { gunzipSync, gzipSync } from 'node:zlib';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
  paginateScan,
  UpdateItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type {
  AliasConfiguration,
  EventSourceMappingConfiguration,
  FunctionEventInvokeConfig,
  FunctionConfiguration as LambdaFunctionConfiguration,
} from '@aws-sdk/client-lambda';
import type { ResourceEncryptionFile } from '../export-folder/export-folder-schemas.js';

/**
 * What an entry's qualified targets and used resources led to, read with the entry (so at its `readAt`), in
 * the live read's and the export folder's forms.
 */
export interface InventoryTargets {
  /** The published versions its qualified mappings and invoke configs name (GetFunctionConfiguration answers). */
  readonly versions: readonly LambdaFunctionConfiguration[];
  /** Its aliases (ListAliases items) when a mapping or invoke config names one of them. */
  readonly aliases: readonly AliasConfiguration[];
  /**
   * `resource-encryption.json`'s parts for the queues, streams, topics and secrets the function and those
   * versions use, and the keys they name. Absent: not kept (read without the encryption clients, or a read
   * that failed for one of them): read at each audit.
   */
  readonly resourceEncryption?: ResourceEncryptionFile;
}

/** What the inventory knows of one function (unqualified ARN). */
export interface InventoryEntry {
  readonly functionArn: string;
  /** As ListFunctions / GetFunctionConfiguration give it; `Tags` (ListTags' map) once they were read. */
  readonly configuration: LambdaFunctionConfiguration & { Tags?: Record<string, string> };
  readonly eventSourceMappings: readonly EventSourceMappingConfiguration[];
  /** Absent until read: the sweep's listing pass knows configurations and mappings only. */
  readonly eventInvokeConfigs?: readonly FunctionEventInvokeConfig[];
  /** Whether `configuration.Tags` was read (a function without tags has none to show). */
  readonly tagsRead: boolean;
  /**
   * The versions, aliases and resource keys its settings lead to. Absent: not kept (an entry written before
   * they were, or one too big for an item with them): read at each audit, as a live read does.
   */
  readonly targets?: InventoryTargets;
  /** When Lambda (and the resources) were last asked (ISO 8601). */
  readonly readAt: string;
  /**
   * Set by `getMany` from the item, never stored in the entry: when a change event said the function changed
   * after this entry was read (`invalidate`). Such an entry is read again before it is trusted.
   */
  readonly invalidatedAt?: string;
}

/** Reads by key, by role, and the freshness mark (the change handler). */
export interface InventoryLookup {
  /** Entries by function ARN; functions the inventory does not know are absent. */
  getMany(functionArns: readonly string[]): Promise<Map<string, InventoryEntry>>;
  /** The ARNs of the functions whose execution role has this name (one Query of the role index). */
  functionsOfRole(roleName: string): Promise<string[]>;
  /** When the last sweep that finished started (ISO 8601), if any. */
  lastSweep(): Promise<string | undefined>;
  /**
   * When the key of each of these queues, streams, topics or secrets last changed (`markKeyChanged`), for
   * those that have a mark. A secret's mark may be under its ARN without the random suffix.
   */
  keyChanges(resourceArns: readonly string[]): Promise<Map<string, string>>;
}

export interface InventoryWriter {
  putMany(entries: readonly InventoryEntry[]): Promise<void>;
  deleteMany(functionArns: readonly string[]): Promise<void>;
  setLastSweep(startedAt: string): Promise<void>;
}

/** The marks change events leave (the change handler, and the worker that settles big changes). */
export interface InventoryMarker {
  /**
   * A change event named these functions (a Lambda event, or a resource they use): their entries are read
   * again before they are trusted, by whichever invocation audits them next (the worker's chunks too). An
   * entry written since clears the mark. Functions the inventory does not know are left alone.
   */
  invalidate(functionArns: readonly string[], at: string): Promise<void>;
  /**
   * The key of this queue, stream, topic or secret changed at `at`: every entry read before, whichever
   * function it is (a user no listing finds, such as one sending to it as an asynchronous destination), is
   * read again before it is trusted. One small item per resource, overwritten by the next change.
   */
  markKeyChanged(resourceArn: string, at: string): Promise<void>;
}

export interface InventoryLister {
  /** Every function ARN in the inventory (a Scan: the sweep's clean-up of deleted functions). */
  listArns(): Promise<string[]>;
}

/**
 * One factory per use, like the state store's, so that each handler's bundle (and its role) holds only
 * the calls it makes: the change handler looks up, writes and marks, the sweep's dispatcher lists and
 * deletes, the worker does all four.
 */
export interface InventoryStore extends InventoryLookup, InventoryWriter, InventoryMarker, InventoryLister {}

export const INVENTORY_PREFIX = 'inventory|';
export const RUN_PREFIX = 'run|';
const LAST_SWEEP_KEY = 'meta|last-sweep';
/** `keychange|<resource ARN>`: when the key of a resource the functions use last changed. */
export const KEY_CHANGE_PREFIX = 'keychange|';
/** The sparse index of inventory items by role name. */
export const INVENTORY_ROLE_INDEX = 'InventoryByRole';
export const INVENTORY_ROLE_ATTRIBUTE = 'inventoryRole';

/** Keys of the state table that are not a function's remembered findings. */
export function isReservedKey(key: string): boolean {
  // A function ARN never holds `|`.
  return key.includes('|');
}

/** The role name of a role ARN (`arn:aws:iam::1:role/path/name` → `name`). */
function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** DynamoDB's limit on an item: its attributes' names and values, 400 KB. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** Room kept under the limit for what the size rule may count beyond names and values. */
const ITEM_MARGIN_BYTES = 2 * 1024;
/** Entries marked at once (one UpdateItem each). */
const INVALIDATE_CONCURRENCY = 8;
/** A gzipped entry never inflates past this when read (the table is ours, but a bound costs nothing). */
const MAX_ENTRY_TEXT_BYTES = 16 * 1024 * 1024;

/** The size DynamoDB counts for an item of string and binary attributes. */
export function itemBytes(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name);
    if (value.S !== undefined) size += Buffer.byteLength(value.S);
    else if (value.B !== undefined) size += value.B.byteLength;
    else size += 1;
  }
  return size;
}

/**
 * The item for an entry: its JSON text; gzipped when the text is too big for an item; gzipped without its
 * `targets` (read at each audit) when even that is too big; and else a stub without an entry, which keeps the
 * function in the role index while every read of it asks Lambda.
 */
export function toItem(entry: InventoryEntry): Record<string, AttributeValue> {
  const role = entry.configuration.Role;
  const base: Record<string, AttributeValue> = {
    functionArn: { S: `${INVENTORY_PREFIX}${entry.functionArn}` },
    readAt: { S: entry.readAt },
    ...(role ? { [INVENTORY_ROLE_ATTRIBUTE]: { S: roleNameOf(role) } } : {}),
  };
  const fits = (item: Record<string, AttributeValue>) =>
    itemBytes(item) <= MAX_ITEM_BYTES - ITEM_MARGIN_BYTES;
  const { invalidatedAt: _, ...stored } = entry;
  const text = JSON.stringify(stored);
  const plain = { ...base, entry: { S: text } };
  if (fits(plain)) return plain;
  const gzipped = { ...base, entryGzip: { B: gzipSync(text) } };
  if (fits(gzipped)) return gzipped;
  if (stored.targets !== undefined) {
    const { targets: _targets, ...bare } = stored;
    const smaller = { ...base, entryGzip: { B: gzipSync(JSON.stringify(bare)) } };
    if (fits(smaller)) return smaller;
  }
  return { ...base, oversized: { BOOL: true } };
}

function entryText(item: Record<string, AttributeValue>): string | undefined {
  const raw = item.entry?.S;
  if (raw !== undefined) return raw;
  const gzipped = item.entryGzip?.B;
  if (gzipped === undefined) return undefined;
  return gunzipSync(gzipped, { maxOutputLength: MAX_ENTRY_TEXT_BYTES }).toString('utf8');
}

function fromItem(item: Record<string, AttributeValue>): InventoryEntry | undefined {
  try {
    const raw = entryText(item);
    if (raw === undefined) return undefined;
    const parsed = JSON.parse(raw) as InventoryEntry;
    // A corrupt entry is as good as none: the function is read from Lambda again.
    if (typeof parsed.functionArn !== 'string' || typeof parsed.readAt !== 'string') return undefined;
    if (typeof parsed.configuration !== 'object' || parsed.configuration === null) return undefined;
    if (!Array.isArray(parsed.eventSourceMappings)) return undefined;
    const invalidatedAt = item.invalidatedAt?.S;
    const { targets, invalidatedAt: _, ...rest } = parsed;
    return {
      ...rest,
      // Targets of another shape are dropped: read at the audit.
      ...(targets !== undefined && isTargets(targets) ? { targets } : {}),
      ...(invalidatedAt === undefined ? {} : { invalidatedAt }),
    };
  } catch {
    return undefined;
  }
}

/** Targets of the shape written; anything else is dropped (and read at the audit). */
function isTargets(value: unknown): value is InventoryTargets {
  if (typeof value !== 'object' || value === null) return false;
  const targets = value as Partial<Record<keyof InventoryTargets, unknown>>;
  return (
    Array.isArray(targets.versions) &&
    Array.isArray(targets.aliases) &&
    (targets.resourceEncryption === undefined ||
      (typeof targets.resourceEncryption === 'object' && targets.resourceEncryption !== null))
  );
}

async function withRetries<T extends { length: number }>(
  initial: T,
  send: (pending: T) => Promise<T>,
  what: string,
): Promise<void> {
  let pending = initial;
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt >= 6)
      throw new Error(`${what} left ${pending.length} items unprocessed after ${attempt} attempts`);
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    pending = await send(pending);
  }
}

interface TableOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** Consistent reads of items by key, 100 keys per BatchGetItem, unprocessed keys retried. */
async function batchGet(
  { client, tableName }: TableOptions,
  keys: readonly string[],
  onItem: (item: Record<string, AttributeValue>) => void,
): Promise<void> {
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += 100) {
    const batchKeys: Record<string, AttributeValue>[] = unique
      .slice(i, i + 100)
      .map((key) => ({ functionArn: { S: key } }));
    await withRetries(
      batchKeys,
      async (batch) => {
        const output = await client.send(
          new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: batch, ConsistentRead: true } } }),
        );
        for (const item of output.Responses?.[tableName] ?? []) onItem(item);
        return output.UnprocessedKeys?.[tableName]?.Keys ?? [];
      },
      'BatchGetItem',
    );
  }
}

export function createInventoryLookup(options: TableOptions): InventoryLookup {
  const { client, tableName } = options;
  return {
    async getMany(functionArns) {
      const entries = new Map<string, InventoryEntry>();
      await batchGet(
        options,
        functionArns.map((arn) => `${INVENTORY_PREFIX}${arn}`),
        (item) => {
          const entry = fromItem(item);
          if (entry) entries.set(entry.functionArn, entry);
        },
      );
      return entries;
    },
    async functionsOfRole(roleName) {
      const arns: string[] = [];
      const pages = paginateQuery(
        { client },
        {
          TableName: tableName,
          IndexName: INVENTORY_ROLE_INDEX,
          KeyConditionExpression: '#role = :role',
          ExpressionAttributeNames: { '#role': INVENTORY_ROLE_ATTRIBUTE },
          ExpressionAttributeValues: { ':role': { S: roleName } },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const key = item.functionArn?.S;
          if (key?.startsWith(INVENTORY_PREFIX)) arns.push(key.slice(INVENTORY_PREFIX.length));
        }
      }
      return arns;
    },
    async lastSweep() {
      const output = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { functionArn: { S: LAST_SWEEP_KEY } },
          ConsistentRead: true,
        }),
      );
      return output.Item?.startedAt?.S;
    },
    async keyChanges(resourceArns) {
      const marks = new Map<string, string>();
      await batchGet(
        options,
        resourceArns.map((arn) => `${KEY_CHANGE_PREFIX}${arn}`),
        (item) => {
          const key = item.functionArn?.S ?? '';
          const at = item.changedAt?.S;
          if (key.startsWith(KEY_CHANGE_PREFIX) && at !== undefined)
            marks.set(key.slice(KEY_CHANGE_PREFIX.length), at);
        },
      );
      return marks;
    },
  };
}

export function createInventoryWriter(options: TableOptions): InventoryWriter {
  const { client, tableName } = options;
  const write = async (requests: WriteRequest[]) => {
    for (let i = 0; i < requests.length; i += 25) {
      await withRetries(
        requests.slice(i, i + 25),
        async (batch) => {
          const output = await client.send(
            new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }),
          );
          return output.UnprocessedItems?.[tableName] ?? [];
        },
        'BatchWriteItem',
      );
    }
  };
  return {
    async putMany(entries) {
      await write(entries.map((entry) => ({ PutRequest: { Item: toItem(entry) } })));
    },
    async deleteMany(functionArns) {
      await write(
        [...new Set(functionArns)].map((arn) => ({
          DeleteRequest: { Key: { functionArn: { S: `${INVENTORY_PREFIX}${arn}` } } },
        })),
      );
    },
    async setLastSweep(startedAt) {
      await client
        .send(
          new PutItemCommand({
            TableName: tableName,
            Item: { functionArn: { S: LAST_SWEEP_KEY }, startedAt: { S: startedAt } },
            // An older sweep finishing late never moves the mark back.
            ConditionExpression: 'attribute_not_exists(startedAt) OR startedAt <= :at',
            ExpressionAttributeValues: { ':at': { S: startedAt } },
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return;
          throw error;
        });
    },
  };
}

/** A factory of its own: only the change handler's bundle leaves marks (the sweep's and the worker's do not). */
export function createInventoryMarker(options: TableOptions): InventoryMarker {
  const { client, tableName } = options;
  return {
    async invalidate(functionArns, at) {
      const unique = [...new Set(functionArns)];
      for (let i = 0; i < unique.length; i += INVALIDATE_CONCURRENCY) {
        await Promise.all(
          unique.slice(i, i + INVALIDATE_CONCURRENCY).map((arn) =>
            client
              .send(
                new UpdateItemCommand({
                  TableName: tableName,
                  Key: { functionArn: { S: `${INVENTORY_PREFIX}${arn}` } },
                  UpdateExpression: 'SET invalidatedAt = :at',
                  // Only an entry that exists: no item is made for a function the inventory does not know.
                  ConditionExpression: 'attribute_exists(functionArn)',
                  ExpressionAttributeValues: { ':at': { S: at } },
                }),
              )
              .catch((error: unknown) => {
                if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return;
                throw error;
              }),
          ),
        );
      }
    },
    async markKeyChanged(resourceArn, at) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { functionArn: { S: `${KEY_CHANGE_PREFIX}${resourceArn}` }, changedAt: { S: at } },
        }),
      );
    },
  };
}

export function createInventoryLister(options: TableOptions): InventoryLister {
  const { client, tableName } = options;
  return {
    async listArns() {
      const arns: string[] = [];
      const pages = paginateScan(
        { client },
        {
          TableName: tableName,
          ProjectionExpression: 'functionArn',
          FilterExpression: 'begins_with(functionArn, :prefix)',
          ExpressionAttributeValues: { ':prefix': { S: INVENTORY_PREFIX } },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const key = item.functionArn?.S;
          if (key?.startsWith(INVENTORY_PREFIX)) arns.push(key.slice(INVENTORY_PREFIX.length));
        }
      }
      return arns;
    },
  };
}

/** Lookup, writer and lister together (the worker, tests). */
export function createInventoryStore(options: TableOptions): InventoryStore {
  return {
    ...createInventoryLookup(options),
    ...createInventoryWriter(options),
    ...createInventoryMarker(options),
    ...createInventoryLister(options),
  };
}

/**
 * Whether an entry can be trusted instead of asking Lambda again. Events refresh entries as functions
 * change and the daily sweep rereads every one; an entry read more than a day before the last finished
 * sweep was missed by that sweep (and no event refreshed it), and without any finished sweep an entry
 * older than a day has no backstop: both are read again first.
 */
export function isFresh(entry: InventoryEntry, lastSweep: string | undefined, now: Date): boolean {
  if (entry.eventInvokeConfigs === undefined || !entry.tagsRead) return false;
  const readAt = Date.parse(entry.readAt);
  if (!Number.isFinite(readAt)) return false;
  const day = 24 * 60 * 60 * 1000;
  const reference = lastSweep === undefined ? now.getTime() : Date.parse(lastSweep);
  return readAt >= (Number.isFinite(reference) ? reference : now.getTime()) - day;
}
