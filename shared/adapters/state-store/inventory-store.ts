/**
 * The inventory (issue 10): what Lambda said about each function — its configuration, its event source
 * mappings, its event invoke configs and its tags — kept in the state table beside the remembered
 * findings, with the time it was read. An IAM change is then judged from the inventory plus fresh IAM
 * reads, without a single Lambda call; the sweep and Lambda change events keep it current.
 *
 * Items live in the state table under keys no function ARN can take (`inventory|<function ARN>`, and
 * `meta|last-sweep`): the state lister skips them (`isReservedKey`). Each inventory item carries the
 * function's execution role name in `inventoryRole`, the partition key of the sparse global secondary
 * index `InventoryByRole` (keys only), so that "the functions of this role" is one Query, not a
 * ListFunctions scan.
 *
 * The entry is stored as JSON text in the APIs' own shapes (timestamps as ISO strings, the export
 * folder's form): the live snapshot's schemas read it exactly as they read a fresh answer.
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
  paginateScan,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type {
  EventSourceMappingConfiguration,
  FunctionEventInvokeConfig,
  FunctionConfiguration as LambdaFunctionConfiguration,
} from '@aws-sdk/client-lambda';

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
  /** When Lambda was last asked (ISO 8601). */
  readonly readAt: string;
}

/** Reads by key, by role, and the freshness mark (the change handler). */
export interface InventoryLookup {
  /** Entries by function ARN; functions the inventory does not know are absent. */
  getMany(functionArns: readonly string[]): Promise<Map<string, InventoryEntry>>;
  /** The ARNs of the functions whose execution role has this name (one Query of the role index). */
  functionsOfRole(roleName: string): Promise<string[]>;
  /** When the last sweep that finished started (ISO 8601), if any. */
  lastSweep(): Promise<string | undefined>;
}

export interface InventoryWriter {
  putMany(entries: readonly InventoryEntry[]): Promise<void>;
  deleteMany(functionArns: readonly string[]): Promise<void>;
  setLastSweep(startedAt: string): Promise<void>;
}

export interface InventoryLister {
  /** Every function ARN in the inventory (a Scan: the sweep's clean-up of deleted functions). */
  listArns(): Promise<string[]>;
}

/**
 * One factory per use, like the state store's, so that each handler's bundle (and its role) holds only
 * the calls it makes: the change handler looks up and writes, the sweep's dispatcher lists and deletes,
 * the worker does all three.
 */
export interface InventoryStore extends InventoryLookup, InventoryWriter, InventoryLister {}

export const INVENTORY_PREFIX = 'inventory|';
export const RUN_PREFIX = 'run|';
const LAST_SWEEP_KEY = 'meta|last-sweep';
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

function toItem(entry: InventoryEntry): Record<string, AttributeValue> {
  const role = entry.configuration.Role;
  return {
    functionArn: { S: `${INVENTORY_PREFIX}${entry.functionArn}` },
    entry: { S: JSON.stringify(entry) },
    readAt: { S: entry.readAt },
    ...(role ? { [INVENTORY_ROLE_ATTRIBUTE]: { S: roleNameOf(role) } } : {}),
  };
}

function fromItem(item: Record<string, AttributeValue>): InventoryEntry | undefined {
  const raw = item.entry?.S;
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as InventoryEntry;
    // A corrupt entry is as good as none: the function is read from Lambda again.
    if (typeof parsed.functionArn !== 'string' || typeof parsed.readAt !== 'string') return undefined;
    if (typeof parsed.configuration !== 'object' || parsed.configuration === null) return undefined;
    if (!Array.isArray(parsed.eventSourceMappings)) return undefined;
    return parsed;
  } catch {
    return undefined;
  }
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

export function createInventoryLookup(options: TableOptions): InventoryLookup {
  const { client, tableName } = options;
  return {
    async getMany(functionArns) {
      const entries = new Map<string, InventoryEntry>();
      const unique = [...new Set(functionArns)];
      for (let i = 0; i < unique.length; i += 100) {
        const keys: Record<string, AttributeValue>[] = unique
          .slice(i, i + 100)
          .map((arn) => ({ functionArn: { S: `${INVENTORY_PREFIX}${arn}` } }));
        await withRetries(
          keys,
          async (batch) => {
            const output = await client.send(
              new BatchGetItemCommand({
                RequestItems: { [tableName]: { Keys: batch, ConsistentRead: true } },
              }),
            );
            for (const item of output.Responses?.[tableName] ?? []) {
              const entry = fromItem(item);
              if (entry) entries.set(entry.functionArn, entry);
            }
            return output.UnprocessedKeys?.[tableName]?.Keys ?? [];
          },
          'BatchGetItem',
        );
      }
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
