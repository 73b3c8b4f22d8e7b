/**
 * Fan-out runs in the state table (shared/app/fan-out.ts): the run record `run|<id>` with its number of
 * chunks, the string set of completed chunks (ADD is idempotent: a retried chunk never counts twice), the
 * assembly claim and mark; and blobs (a chunk's input, a chunk's report) as gzipped JSON split into parts
 * under DynamoDB's 400 KB item limit. Every item expires a week later (`expiresAt`, the table's TTL).
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import {
  type AttributeValue,
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { RunRecord, RunRecorder, RunStatus, RunStore } from '../../app/fan-out.js';

const zip = promisify(gzip);
const unzip = promisify(gunzip);

/** Bytes of gzipped JSON per item (DynamoDB allows 400 KB with the key and attribute names). */
const PART_BYTES = 350_000;
const RETENTION_SECONDS = 7 * 24 * 60 * 60;

const runKey = (runId: string) => `run|${runId}`;

interface RunStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => Date;
}

const expiry = (options: RunStoreOptions) => () =>
  String(Math.floor((options.now ?? (() => new Date()))().getTime() / 1000) + RETENTION_SECONDS);
const key = (k: string) => ({ functionArn: { S: k } });

/** The dispatcher's part: the run record and its chunks' inputs (PutItem only). */
export function createRunRecorder(options: RunStoreOptions): RunRecorder {
  const { client, tableName } = options;
  const expiresAt = expiry(options);
  return {
    async createRun(record: RunRecord) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...key(runKey(record.runId)),
              run: { S: JSON.stringify(record) },
              chunks: { N: String(record.chunks) },
              expiresAt: { N: expiresAt() },
            },
            ConditionExpression: 'attribute_not_exists(functionArn)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async putBlob(blobKey, value) {
      const bytes = await zip(Buffer.from(JSON.stringify(value ?? null), 'utf8'));
      const parts = Math.max(1, Math.ceil(bytes.length / PART_BYTES));
      for (let part = parts - 1; part >= 0; part -= 1) {
        // Part 0 last: it names the number of parts, so a reader never sees a half-written blob.
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...key(part === 0 ? blobKey : `${blobKey}|${part}`),
              data: { B: bytes.subarray(part * PART_BYTES, (part + 1) * PART_BYTES) },
              ...(part === 0 ? { parts: { N: String(parts) } } : {}),
              expiresAt: { N: expiresAt() },
            },
          }),
        );
      }
    },
  };
}

/** Everything the worker does with runs. */
export function createRunStore(options: RunStoreOptions): RunStore {
  const { client, tableName } = options;

  return {
    ...createRunRecorder(options),
    async getRun(runId): Promise<RunStatus | undefined> {
      const output = await client.send(
        new GetItemCommand({ TableName: tableName, Key: key(runKey(runId)), ConsistentRead: true }),
      );
      const item = output.Item;
      if (!item?.run?.S) return undefined;
      const record = JSON.parse(item.run.S) as RunRecord;
      return {
        ...record,
        completed: item.completed?.NS?.length ?? 0,
        assembled: item.assembled?.BOOL === true,
      };
    },
    async getBlob(blobKey) {
      const first = await client.send(
        new GetItemCommand({ TableName: tableName, Key: key(blobKey), ConsistentRead: true }),
      );
      const head = first.Item;
      if (!head?.data?.B) return undefined;
      const parts = Number(head.parts?.N ?? '1');
      const chunks: Uint8Array[] = [head.data.B];
      if (parts > 1) {
        const keys = Array.from({ length: parts - 1 }, (_, i) => key(`${blobKey}|${i + 1}`));
        const found = new Map<string, Uint8Array>();
        for (let i = 0; i < keys.length; i += 100) {
          let pending: Record<string, AttributeValue>[] = keys.slice(i, i + 100);
          for (let attempt = 0; pending.length > 0; attempt += 1) {
            if (attempt >= 6)
              throw new Error(`BatchGetItem left ${pending.length} parts of ${blobKey} unread`);
            if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
            const output = await client.send(
              new BatchGetItemCommand({
                RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } },
              }),
            );
            for (const item of output.Responses?.[tableName] ?? []) {
              if (item.functionArn?.S && item.data?.B) found.set(item.functionArn.S, item.data.B);
            }
            pending = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
          }
        }
        for (let part = 1; part < parts; part += 1) {
          const data = found.get(`${blobKey}|${part}`);
          if (!data) throw new Error(`part ${part} of ${blobKey} is missing`);
          chunks.push(data);
        }
      }
      return JSON.parse((await unzip(Buffer.concat(chunks))).toString('utf8')) as unknown;
    },
    async completeChunk(runId, chunk) {
      const output = await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(runKey(runId)),
          UpdateExpression: 'ADD completed :chunk',
          ConditionExpression: 'attribute_exists(functionArn)',
          ExpressionAttributeValues: { ':chunk': { NS: [String(chunk)] } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return output.Attributes?.completed?.NS?.length ?? 0;
    },
    async claimAssembly(runId, now, staleBefore) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(runKey(runId)),
            UpdateExpression: 'SET claimedAt = :now',
            ConditionExpression:
              'attribute_exists(functionArn) AND attribute_not_exists(assembled) AND (attribute_not_exists(claimedAt) OR claimedAt < :stale)',
            ExpressionAttributeValues: { ':now': { S: now }, ':stale': { S: staleBefore } },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async releaseAssembly(runId) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(runKey(runId)),
          UpdateExpression: 'REMOVE claimedAt',
        }),
      );
    },
    async markAssembled(runId) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(runKey(runId)),
          UpdateExpression: 'SET assembled = :yes',
          ExpressionAttributeValues: { ':yes': { BOOL: true } },
        }),
      );
    },
  };
}
