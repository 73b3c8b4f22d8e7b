/**
 * The full detail of a grouped alert (shared/alerts/big-change.ts: every function's new and fixed findings,
 * 2.7 MB of JSON for 1,000 functions) in the state table, where the alert's readers can get it: gzipped
 * JSON in parts under the key `alert|<alert id>` (gzip-parts.ts), kept for 30 days (`expiresAt`, the
 * table's TTL). Nothing new is deployed for it: the handlers that publish grouped alerts write the table
 * already (PutItem), and the table is encrypted and private.
 *
 * The alert carries the command that prints the detail: `aws dynamodb get-item` of each part, base64
 * decoded (the AWS CLI prints a binary attribute in base64) and gunzipped. It needs `dynamodb:GetItem` on
 * the table, nothing else (the table's key is AWS owned).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BigChangeDetailDocument, StoredDetail } from '../../alerts/big-change.js';
import { shellQuote } from '../../alerts/escape.js';
import type { AlertDetailStore } from '../../app/handle-changes.js';
import { getGzipParts, PART_BYTES, partKey, putGzipParts } from './gzip-parts.js';

/** The prefix of the detail's key (a function ARN never holds `|`: the state lister skips it). */
export const ALERT_DETAIL_PREFIX = 'alert|';
/** How long a grouped alert's detail is kept. */
export const ALERT_DETAIL_RETENTION_DAYS = 30;

export interface AlertDetailStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The table's region, for the command. */
  readonly region: string;
  readonly now?: () => Date;
  /** Gzipped bytes per item (tests make it small to see several parts). */
  readonly partBytes?: number;
}

/** The key of an alert's detail. */
export function alertDetailKey(alertId: string): string {
  return `${ALERT_DETAIL_PREFIX}${alertId}`;
}

/**
 * The command that prints the detail stored under `key` in `parts` items: one `get-item` per part, in
 * order, each part's base64 decoded, the whole gunzipped. Nothing in it needs a character that a chat
 * medium would change (`<`, `>`, `&`, backticks): it prints to the terminal, to be redirected at will.
 */
export function fetchCommand(options: {
  readonly tableName: string;
  readonly region: string;
  readonly key: string;
  readonly parts: number;
}): string {
  const get = (keyJson: string) =>
    `aws dynamodb get-item --region ${shellQuote(options.region)} --table-name ${shellQuote(options.tableName)} --key ${keyJson} --query Item.data.B --output text`;
  if (options.parts <= 1)
    return `${get(shellQuote(JSON.stringify({ functionArn: { S: options.key } })))} | base64 -d | gunzip`;
  // Part k > 0 is under KEY|k (gzip-parts.ts); bash and zsh expand {1..N}.
  return `for k in ${shellQuote(partKey(options.key, 0))} ${shellQuote(`${options.key}|`)}{1..${options.parts - 1}}; do ${get('"{\\"functionArn\\":{\\"S\\":\\"$k\\"}}"')} | base64 -d; done | gunzip`;
}

export interface AlertDetailReader {
  /** The stored detail of an alert, or `undefined` (never stored, or expired). */
  read(alertId: string): Promise<unknown>;
}

export function createAlertDetailStore(
  options: AlertDetailStoreOptions,
): AlertDetailStore & AlertDetailReader {
  const { client, tableName, region } = options;
  return {
    async store(detail: BigChangeDetailDocument): Promise<StoredDetail> {
      const now = (options.now ?? (() => new Date()))();
      const expires = new Date(now.getTime() + ALERT_DETAIL_RETENTION_DAYS * 86_400_000);
      const key = alertDetailKey(detail.alertId);
      const stored = await putGzipParts(
        client,
        tableName,
        key,
        detail,
        String(Math.floor(expires.getTime() / 1000)),
        options.partBytes ?? PART_BYTES,
      );
      return {
        table: tableName,
        region,
        key,
        parts: stored.parts,
        command: fetchCommand({ tableName, region, key, parts: stored.parts }),
        expiresAt: expires.toISOString(),
        bytes: stored.bytes,
      };
    },
    read: (alertId) => getGzipParts(client, tableName, alertDetailKey(alertId)),
  };
}
