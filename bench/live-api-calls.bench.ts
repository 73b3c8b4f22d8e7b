/**
 * API calls of a live audit, counted by the SDK middleware, against moto: a whole-account audit of
 * N = 500 functions (shared roles, SQS / Kinesis / DynamoDB stream mappings), and a single-function audit
 * with a cold and a warm managed-policy cache. Wall times are moto's on this machine, not AWS's; the
 * whole-account time at the default Lambda pace (10 requests/s) is mostly the pacing itself.
 */
import { loadActionCatalog } from '../shared/adapters/action-catalog/load-action-catalog.js';
import { ApiCallCounter, countApiCalls } from '../shared/adapters/aws/call-counter.js';
import { type AwsClients, createAwsClients } from '../shared/adapters/aws/clients.js';
import { createLiveSource, DEFAULT_LAMBDA_REQUESTS_PER_SECOND } from '../shared/adapters/aws/live-source.js';
import { PolicyVersionCache } from '../shared/adapters/aws/policy-version-cache.js';
import { auditAccount } from '../shared/domain/audit/audit-account.js';
import { startMotoServer } from '../test/support/moto.js';
import { createSyntheticAccount, patchMotoInvokeConfigTimestamps } from '../test/support/moto-account.js';

const N = 500;

function printCalls(title: string, counter: ApiCallCounter, extra = ''): void {
  console.log(`${title}: ${counter.total} calls${extra}`);
  for (const [operation, count] of Object.entries(counter.byOperation()))
    console.log(`  ${operation.padEnd(42)} ${count}`);
}

async function wholeAccount(
  clients: AwsClients,
  lambdaRequestsPerSecond: number,
  label: string,
): Promise<void> {
  const counter = new ApiCallCounter();
  for (const client of Object.values(clients)) if (client) countApiCalls(client, counter);
  const catalog = await loadActionCatalog();
  const started = performance.now();
  const source = createLiveSource({
    clients,
    lambdaRequestsPerSecond,
    policyCache: new PolicyVersionCache(),
  });
  const snapshot = await source.load({});
  const read = performance.now();
  const report = auditAccount(snapshot, { catalog, generatedAt: new Date().toISOString() });
  const done = performance.now();
  printCalls(
    `whole account, N = ${N}, ${label}`,
    counter,
    `; ${report.summary.functions} functions audited, ${(report.errors ?? []).length} errors; read ${((read - started) / 1000).toFixed(1)} s + audit ${((done - read) / 1000).toFixed(2)} s`,
  );
}

export async function run(): Promise<void> {
  const server = await startMotoServer('us-east-1');
  try {
    const setupStarted = performance.now();
    const account = await createSyntheticAccount(server, N);
    console.log(
      `moto: ${N} functions, ${account.roleCount} roles created in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
    );

    // Separate clients per run: limits are installed once per client, with the first run's pace.
    const fast = createAwsClients({ ...server.clientConfig });
    patchMotoInvokeConfigTimestamps(fast.lambda);
    await wholeAccount(fast, 1000, 'no client-side pacing (moto does not throttle)');
    const paced = createAwsClients({ ...server.clientConfig });
    patchMotoInvokeConfigTimestamps(paced.lambda);
    await wholeAccount(
      paced,
      DEFAULT_LAMBDA_REQUESTS_PER_SECOND,
      `default pace of ${DEFAULT_LAMBDA_REQUESTS_PER_SECOND} Lambda requests/s`,
    );

    const k = account.inlinePoliciesPerRole;
    const m = account.attachedPoliciesPerRole;
    for (const [functionName, boundary] of [
      [account.functionNames[1] ?? '', false],
      [account.functionNames[0] ?? '', true],
    ] as const) {
      const clients = createAwsClients({ ...server.clientConfig });
      patchMotoInvokeConfigTimestamps(clients.lambda);
      const counter = new ApiCallCounter();
      for (const client of Object.values(clients)) if (client) countApiCalls(client, counter);
      const cache = new PolicyVersionCache();
      const source = createLiveSource({ clients, policyCache: cache });
      // 5 reads of the function and its role, ListTags (the suppress tag on the function), one listing of the
      // account's mappings, and the key of the one queue or stream the function uses (no DescribeKey: not
      // encrypted with a KMS key).
      const budgetCold = 5 + 1 + 1 + 1 + k + 2 * m + (boundary ? 2 : 0);
      const budgetWarm = 5 + 1 + 1 + 1 + k + m + (boundary ? 1 : 0);
      const what = `single function ${functionName} (k = ${k} inline, m = ${m} attached${boundary ? ', with a permissions boundary' : ''})`;
      let started = performance.now();
      await source.load({ functionNames: [functionName] });
      printCalls(
        `${what}, cold cache`,
        counter,
        ` (budget ${budgetCold}); ${(performance.now() - started).toFixed(0)} ms`,
      );
      counter.reset();
      started = performance.now();
      await source.load({ functionNames: [functionName] });
      printCalls(
        `${what}, warm cache`,
        counter,
        ` (budget ${budgetWarm}); ${(performance.now() - started).toFixed(0)} ms`,
      );
      for (const client of Object.values(clients)) client?.destroy();
    }
    for (const client of [...Object.values(fast), ...Object.values(paced)]) client?.destroy();
  } finally {
    await server.stop();
  }
}
