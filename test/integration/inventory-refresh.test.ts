/**
 * A change batch that must read many inventory entries again (absent, stale) reads them through the
 * batch's own ListFunctions scan and mapping listing, the ones its directory already made: one scan per
 * region and batch, against moto through the real clients.
 */
import { createChangeRuntime } from '../../functions/commons/auditor.js';
import { ApiCallCounter, countApiCalls } from '../../shared/adapters/aws/call-counter.js';
import { BULK_READ_THRESHOLD } from '../../shared/adapters/aws/live-account-reader.js';
import { DEFAULT_TAG_SUPPRESSION } from '../../shared/domain/suppressions.js';
import { createBigAccount } from '../support/big-account.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { type MotoClients, motoClients } from '../support/moto-account.js';
import { createStateTable, REGION } from './handler-harness.js';

const TABLE = 'refresh-state';
const FUNCTIONS = BULK_READ_THRESHOLD + 2;
let moto: MotoServer;
let clients: MotoClients;

beforeAll(async () => {
  moto = await startMotoServer(REGION);
  clients = motoClients(moto);
  await createStateTable(clients.dynamodb, TABLE);
}, 60_000);

afterAll(async () => {
  for (const client of Object.values(clients ?? {})) client.destroy();
  await moto?.stop();
});

describe('the inventory refresh of a change batch', () => {
  it('reads many stale entries through the listing the batch already made', async () => {
    const account = await createBigAccount(clients, {
      functions: FUNCTIONS,
      functionsPerRole: FUNCTIONS,
      prefix: 'refresh',
    });
    const runtime = createChangeRuntime(
      {
        stateTableName: TABLE,
        alertTopicArn: `arn:aws:sns:${REGION}:123456789012:alerts`,
        minSeverity: 'low',
        suppressions: [],
        tagSuppression: DEFAULT_TAG_SUPPRESSION,
        account: '123456789012',
        auditRegions: [REGION],
        region: REGION,
        lambdaRequestsPerSecond: 500,
      },
      { endpoint: moto.endpoint, credentials: moto.clientConfig.credentials, maxAttempts: 2 },
    );
    const counter = new ApiCallCounter();
    for (const regional of runtime.clientsByRegion.values()) countApiCalls(regional.lambda, counter);
    try {
      const batch = runtime.newBatch();
      // No sweep has finished: the role's functions come from the batch's ListFunctions scan.
      const affected = await batch.directory.functionsOfRoles([account.roleNames[0] ?? '']);
      expect([...affected].sort()).toEqual([...account.functionArns].sort());
      // Every entry is absent from the inventory: all are read from Lambda, through that same scan.
      const report = await batch.auditFunctions(affected);
      expect(report.functions.map((fn) => fn.functionArn).sort()).toEqual([...account.functionArns].sort());
      expect(report.errors ?? []).toEqual([]);
      const calls = counter.byOperation();
      expect(calls['Lambda:ListFunctions']).toBe(1);
      expect(calls['Lambda:ListEventSourceMappings']).toBe(1);
      // And what was read is in the inventory now: the next batch reads none of it from Lambda.
      counter.reset();
      const again = await runtime.newBatch().auditFunctions(affected);
      expect(again.functions).toHaveLength(FUNCTIONS);
      expect(counter.byOperation()['Lambda:ListFunctions']).toBeUndefined();
    } finally {
      runtime.dynamodb.destroy();
      runtime.sns.destroy();
      for (const regional of runtime.clientsByRegion.values())
        for (const c of Object.values(regional)) c.destroy();
    }
  }, 120_000);
});
