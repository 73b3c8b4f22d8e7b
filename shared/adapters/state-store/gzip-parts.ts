/**
 * A value too large for one DynamoDB item (400 KB) kept in the state table as gzipped JSON split into
 * parts: `KEY` holds part 0 and the number of parts, `KEY|1`, `KEY|2`… the rest, each in a binary `data`
 * attribute, each with `expiresAt` (the table's TTL). The runs of the fan-out (run-store.ts) and the
 * detail of grouped alerts (alert-detail-store.ts) are stored this way. Part 0 is written last, so that a
 * reader never sees a half-written value.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';

const zip = promisify(gzip);
const unzip = promisify(gunzip);

/** Bytes of gzipped JSON per item (DynamoDB allows 400 KB with the key and attribute names). */
export const PART_BYTES = 350_000;

const key = (k: string) => ({ functionArn: { S: k } });

/** The key of part `part` of the value stored under `blobKey`. */
export function partKey(blobKey: string, part: number): string {
  return part === 0 ? blobKey : `${blobKey}|${part}`;
}

export interface StoredParts {
  /** How many items hold it. */
  readonly parts: number;
  /** Its JSON's size, and the gzipped size. */
  readonly bytes: number;
  readonly gzippedBytes: number;
}

/** Writes `value` under `blobKey` (overwriting what was there), expiring at `expiresAt` (epoch seconds). */
export async function putGzipParts(
  client: DynamoDBClient,
  tableName: string,
  blobKey: string,
  value: unknown,
  expiresAt: string,
  partBytes = PART_BYTES,
): Promise<StoredParts> {
  const json = Buffer.from(JSON.stringify(value ?? null), 'utf8');
  const bytes = await zip(json);
  const parts = Math.max(1, Math.ceil(bytes.length / partBytes));
  for (let part = parts - 1; part >= 0; part -= 1) {
    // Part 0 last: it names the number of parts, so a reader never sees a half-written blob.
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          ...key(partKey(blobKey, part)),
          data: { B: bytes.subarray(part * partBytes, (part + 1) * partBytes) },
          ...(part === 0 ? { parts: { N: String(parts) } } : {}),
          expiresAt: { N: expiresAt },
        },
      }),
    );
  }
  return { parts, bytes: json.length, gzippedBytes: bytes.length };
}

/** The value stored under `blobKey`, or `undefined` when there is none. */
export async function getGzipParts(
  client: DynamoDBClient,
  tableName: string,
  blobKey: string,
): Promise<unknown> {
  const first = await client.send(
    new GetItemCommand({ TableName: tableName, Key: key(blobKey), ConsistentRead: true }),
  );
  const head = first.Item;
  if (!head?.data?.B) return undefined;
  const parts = Number(head.parts?.N ?? '1');
  const chunks: Uint8Array[] = [head.data.B];
  if (parts > 1) {
    const keys = Array.from({ length: parts - 1 }, (_, i) => key(partKey(blobKey, i + 1)));
    const found = new Map<string, Uint8Array>();
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, AttributeValue>[] = keys.slice(i, i + 100);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= 6) throw new Error(`BatchGetItem left ${pending.length} parts of ${blobKey} unread`);
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
      const data = found.get(partKey(blobKey, part));
      if (!data) throw new Error(`part ${part} of ${blobKey} is missing`);
      chunks.push(data);
    }
  }
  return JSON.parse((await unzip(Buffer.concat(chunks))).toString('utf8')) as unknown;
}
