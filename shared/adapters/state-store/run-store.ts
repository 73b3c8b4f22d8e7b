/**
 * Fan-out runs in the state table (shared/app/fan-out.ts): the run record `run|<id>` with its number of
 * chunks, the string set of completed chunks (ADD is idempotent: a retried chunk never counts twice), the
 * assembly claim and mark; and blobs (a chunk's input, a chunk's report) as gzipped JSON split into parts
 * under DynamoDB's 400 KB item limit (gzip-parts.ts). Every item expires a week later (`expiresAt`, the
 * table's TTL).
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { RunRecord, RunRecorder, RunStatus, RunStore } from '../../app/fan-out.js';
import { getGzipParts, putGzipParts } from './gzip-parts.js';

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
      await putGzipParts(client, tableName, blobKey, value, expiresAt());
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
      return getGzipParts(client, tableName, blobKey);
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
