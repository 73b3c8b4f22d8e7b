/**
 * What was last reported per function, in DynamoDB (partition key `functionArn`, string). An item holds
 * the summaries of the alerting findings open at the last alert (JSON: each with what needed it and when
 * it was first reported, so that a fixed notice can say what works again and how long it was broken),
 * when the audit behind them ran, and the id of that alert.
 *
 * Writes are conditional on `auditedAt`: two handlers auditing the same function concurrently (two
 * batches) must not let the older audit overwrite the newer state. A write that loses that race is not
 * an error: newer state is already there.
 *
 * One factory per use, so that each handler's bundle (and so its role) holds only the calls it makes: the
 * change handler reads by key and writes (`createStateReader`, `createStateWriter`), the sweep scans the
 * table and writes (`createStateLister`, `createStateWriter`). `createDynamoDbStateStore` joins the three
 * for tests and tools.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { FindingSummary } from '../../alerts/alert-document.js';
import { SEVERITIES } from '../../domain/report.js';

export interface FunctionState {
  readonly functionArn: string;
  readonly findings: readonly FindingSummary[];
  readonly auditedAt: string;
  readonly alertId?: string;
}

export interface StateReader {
  get(functionArn: string): Promise<FunctionState | undefined>;
  /** The states of many functions at once (BatchGetItem, 100 keys a call); absent functions are left out. */
  getMany(functionArns: readonly string[]): Promise<Map<string, FunctionState>>;
}

export interface StateWriter {
  /** Returns false when newer state was already there (the write was skipped). */
  put(state: FunctionState): Promise<boolean>;
  delete(functionArn: string): Promise<void>;
}

export interface StateLister {
  /** Every remembered function (a paginated Scan: the sweep reconciles the whole table once a day). */
  list(): AsyncIterable<FunctionState>;
}

export interface StateStore extends StateReader, StateWriter, StateLister {}

export interface StateTableOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/**
 * A finding's cause as remembered. Added later than the rest (with `decision` and `openedAt`): an item
 * written before lacks them, and a malformed one drops only that field, never the item's findings.
 */
const causeSchema = z.union([
  z.object({
    kind: z.literal('event-source-mapping'),
    uuid: z.string(),
    eventSourceArn: z.string().optional(),
    state: z.string().optional(),
  }),
  z.object({ kind: z.literal('function-configuration'), setting: z.string() }),
  z.object({
    kind: z.enum(['policy', 'trust-policy']),
    policy: z.string().optional(),
    statement: z.string().optional(),
  }),
]);

const findingSummaries = z.array(
  z.object({
    id: z.string(),
    rule: z.string(),
    severity: z.enum(SEVERITIES),
    message: z.string(),
    action: z.string().optional(),
    resource: z.string().optional(),
    decision: z
      .enum(['implicit-deny', 'explicit-deny', 'boundary', 'conditional', 'unverifiable'])
      .optional()
      .catch(undefined),
    cause: causeSchema.optional().catch(undefined),
    openedAt: z.iso.datetime({ offset: true }).optional().catch(undefined),
  }),
);

function fromItem(item: Record<string, AttributeValue>): FunctionState {
  const raw = item.findings?.S;
  let findings: FindingSummary[] = [];
  if (raw !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = findingSummaries.safeParse(json);
    // A corrupt item is treated as "nothing reported yet": the worst case is one repeated alert.
    if (parsed.success) findings = parsed.data;
  }
  return {
    functionArn: item.functionArn?.S ?? '',
    findings,
    auditedAt: item.auditedAt?.S ?? '1970-01-01T00:00:00.000Z',
    ...(item.alertId?.S ? { alertId: item.alertId.S } : {}),
  };
}

/** Reads by key (BatchGetItem). */
export function createStateReader(options: StateTableOptions): StateReader {
  const { client, tableName } = options;
  const getMany = async (functionArns: readonly string[]): Promise<Map<string, FunctionState>> => {
    const states = new Map<string, FunctionState>();
    const unique = [...new Set(functionArns)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, AttributeValue>[] = unique
        .slice(i, i + 100)
        .map((arn) => ({ functionArn: { S: arn } }));
      // BatchGetItem may return some keys unprocessed under load: ask again for those, with a short back-off,
      // and give up (throw) rather than treat an unread state as "nothing reported yet".
      for (let attempt = 0; keys.length > 0; attempt += 1) {
        if (attempt >= 5)
          throw new Error(`BatchGetItem left ${keys.length} keys unprocessed after ${attempt} attempts`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const output = await client.send(
          new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of output.Responses?.[tableName] ?? []) {
          const state = fromItem(item);
          states.set(state.functionArn, state);
        }
        keys = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }
    return states;
  };
  return {
    // One key through the same call: one permission (BatchGetItem) serves both.
    get: async (functionArn) => (await getMany([functionArn])).get(functionArn),
    getMany,
  };
}

/** Conditional writes and deletes (PutItem, DeleteItem). */
export function createStateWriter(options: StateTableOptions): StateWriter {
  const { client, tableName } = options;
  return {
    async put(state) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              functionArn: { S: state.functionArn },
              findings: { S: JSON.stringify(state.findings) },
              auditedAt: { S: state.auditedAt },
              ...(state.alertId ? { alertId: { S: state.alertId } } : {}),
            },
            ConditionExpression: 'attribute_not_exists(auditedAt) OR auditedAt <= :auditedAt',
            ExpressionAttributeValues: { ':auditedAt': { S: state.auditedAt } },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async delete(functionArn) {
      await client.send(
        new DeleteItemCommand({ TableName: tableName, Key: { functionArn: { S: functionArn } } }),
      );
    },
  };
}

/** The whole table (a paginated Scan). */
export function createStateLister(options: StateTableOptions): StateLister {
  const { client, tableName } = options;
  return {
    async *list() {
      for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
        for (const item of page.Items ?? []) if (item.functionArn?.S) yield fromItem(item);
      }
    },
  };
}

/** Reader, writer and lister together. */
export function createDynamoDbStateStore(options: StateTableOptions): StateStore {
  return { ...createStateReader(options), ...createStateWriter(options), ...createStateLister(options) };
}
