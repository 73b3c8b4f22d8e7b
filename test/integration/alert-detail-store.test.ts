/**
 * The stored detail of a grouped alert (shared/adapters/state-store/alert-detail-store.ts) against moto: it
 * is written in the state table in gzipped parts, read back whole, skipped by the state lister, expires
 * with the table's TTL 30 days later, and the very command the alert prints (the AWS CLI's get-item,
 * base64 -d, gunzip, run by bash) prints it, in one part and in several.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createAlertDetailStore } from '../../shared/adapters/state-store/alert-detail-store.js';
import { createDynamoDbStateStore } from '../../shared/adapters/state-store/dynamodb-state-store.js';
import { diffFindings, summariseFindingAt } from '../../shared/alerts/alert-document.js';
import { type BigChangeDetailDocument, buildBigChangeDetail } from '../../shared/alerts/big-change.js';
import { runAwsCliCommand } from '../support/aws-cli.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { type MotoClients, motoClients } from '../support/moto-account.js';
import { logsMissing, reportOf, result, wildcardGrant } from '../unit/alerts/alert-cases.js';
import { createStateTable, REGION, STATE_TABLE } from './handler-harness.js';

let moto: MotoServer;
let clients: MotoClients;
const NOW = new Date('2026-12-02T12:00:00.000Z');

beforeAll(async () => {
  moto = await startMotoServer(REGION);
  clients = motoClients(moto);
  await createStateTable(clients.dynamodb, STATE_TABLE);
}, 60_000);

afterAll(async () => {
  for (const client of Object.values(clients ?? {})) client?.destroy();
  await moto?.stop();
});

/** `count` functions that lost their logs permissions, every third with an excess grant gone. */
function detailOf(count: number): BigChangeDetailDocument {
  const entries = Array.from({ length: count }, (_, i) => {
    const name = `batch-job-${i}`;
    const open = [logsMissing(name, 'logs:CreateLogStream'), logsMissing(name, 'logs:PutLogEvents')];
    const previous =
      i % 3 === 0 ? [summariseFindingAt(wildcardGrant(`legacy-${i}`, 'S3'), '2026-11-20T09:00:00Z')] : [];
    return { result: result(name, open), diff: diffFindings(previous, open) };
  });
  return buildBigChangeDetail({
    report: reportOf(entries.map((e) => e.result)),
    entries,
    changes: [],
    threshold: 10,
  });
}

describe("a grouped alert's stored detail", () => {
  it.each([
    ['one part', 20, undefined],
    ['several parts', 100, 4_000],
  ])('is printed whole by the command the alert gives (%s)', async (_, count, partBytes) => {
    const store = createAlertDetailStore({
      client: clients.dynamodb,
      tableName: STATE_TABLE,
      region: REGION,
      now: () => NOW,
      ...(partBytes === undefined ? {} : { partBytes }),
    });
    const detail = detailOf(count);
    const stored = await store.store(detail);
    const json = JSON.parse(JSON.stringify(detail)) as unknown;
    expect(stored.key).toBe(`alert|${detail.alertId}`);
    expect(stored.bytes).toBe(Buffer.byteLength(JSON.stringify(detail)));
    if (partBytes === undefined) expect(stored.parts).toBe(1);
    else expect(stored.parts).toBeGreaterThanOrEqual(3);
    expect(stored.expiresAt).toBe('2027-01-01T12:00:00.000Z');

    expect(await store.read(detail.alertId)).toEqual(json);
    const printed = await runAwsCliCommand(stored.command, moto);
    expect(printed.stderr).toBe('');
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(json);

    // Every part expires with the table's TTL, 30 days on.
    for (let part = 0; part < stored.parts; part += 1) {
      const key = part === 0 ? stored.key : `${stored.key}|${part}`;
      const item = await clients.dynamodb.send(
        new GetItemCommand({ TableName: STATE_TABLE, Key: { functionArn: { S: key } } }),
      );
      expect(item.Item?.expiresAt?.N).toBe(String(Date.parse('2027-01-01T12:00:00.000Z') / 1000));
    }
  });

  it('is no function state: the sweep never reconciles it', async () => {
    const store = createAlertDetailStore({
      client: clients.dynamodb,
      tableName: STATE_TABLE,
      region: REGION,
    });
    await store.store(detailOf(12));
    const listed: string[] = [];
    for await (const state of createDynamoDbStateStore({
      client: clients.dynamodb,
      tableName: STATE_TABLE,
    }).list())
      listed.push(state.functionArn);
    expect(listed).toEqual([]);
  });
});
