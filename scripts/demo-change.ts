/**
 * `npm run demo:change`: the event path, end to end, without an AWS account.
 *
 * 1. starts moto server and sets up a small account there (an SQS consumer, its role, its mapping) plus
 *    the auditor's own resources (state table, alert topic with a capturing queue);
 * 2. runs the scheduled sweep once, which remembers today's findings;
 * 3. detaches the SQS execution policy from the consumer's role through the SDK, feeds the CloudTrail event
 *    of that change through the real change handler (as the SQS batch it would receive), and prints the
 *    alert as the email and the Slack message show it;
 * 4. re-attaches the policy, feeds that event, and prints the "fixed" notice.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { AttachRolePolicyCommand, DetachRolePolicyCommand } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { createAuditorRuntime } from '../functions/commons/auditor.js';
import { createChangeHandler, createSweepHandler } from '../functions/commons/handlers.js';
import { renderSlackMessage } from '../shared/alerts/render-chat.js';
import { ALERT_JSON_MARKER } from '../shared/alerts/sns-message.js';
import { DEFAULT_TAG_SUPPRESSION } from '../shared/domain/suppressions.js';
import {
  type CapturedAlert,
  createAlertCapture,
  createDemoAccount,
  createStateTable,
  REGION,
  SQS_EXECUTION_POLICY,
  sqsEvent,
} from '../test/integration/handler-harness.js';
import { startMotoServer } from '../test/support/moto.js';
import { motoClients } from '../test/support/moto-account.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

function cloudTrailEvent(fixture: string, overrides: { roleName: string; policyArn: string }): string {
  const event = JSON.parse(readFileSync(join(root, 'test/fixtures/events', `${fixture}.json`), 'utf8'));
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  event.id = randomUUID();
  event.time = now;
  event.detail.eventTime = now;
  event.detail.eventID = randomUUID();
  event.detail.requestParameters = { roleName: overrides.roleName, policyArn: overrides.policyArn };
  return JSON.stringify(event);
}

function printEmail(alert: CapturedAlert): void {
  const [text, json = ''] = alert.message.split(ALERT_JSON_MARKER);
  console.log(bold('── As email ──────────────────────────────────────────────────────────────'));
  console.log(`Subject: ${alert.subject ?? ''}`);
  console.log(
    `Message attributes: ${Object.entries(alert.attributes)
      .map(([k, v]) => `${k}=${v.Value}`)
      .join(' ')}\n`,
  );
  console.log((text ?? '').trimEnd());
  console.log(
    dim(`\n${ALERT_JSON_MARKER}\n${json.trim().slice(0, 160)}… (${json.length} characters of alert JSON)`),
  );
}

function printSlack(alert: CapturedAlert): void {
  if (!alert.document) return;
  const slack = renderSlackMessage(alert.document);
  console.log(bold('\n── As Slack (Block Kit, rendered as text) ─────────────────────────────────'));
  for (const block of slack.blocks) {
    const b = block as {
      type: string;
      text?: { text: string };
      fields?: { text: string }[];
      elements?: { text: string | { text: string }; url?: string }[];
    };
    if (b.type === 'header') console.log(bold(b.text?.text ?? ''));
    else if (b.fields) console.log(b.fields.map((f) => f.text.replace('\n', ' ')).join('   '));
    else if (b.text) console.log(b.text.text);
    else if (b.type === 'actions')
      console.log(
        (b.elements ?? []).map((e) => `[${typeof e.text === 'string' ? e.text : e.text.text}]`).join(' '),
      );
    else if (b.elements)
      console.log(
        dim(b.elements.map((e) => (typeof e.text === 'string' ? e.text : e.text.text)).join(' · ')),
      );
    console.log('');
  }
}

const context = {
  functionName: 'demo',
  awsRequestId: 'demo',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

async function main(): Promise<void> {
  console.log('Starting moto server…');
  const moto = await startMotoServer(REGION);
  try {
    const clients = motoClients(moto);
    const sns = new SNSClient(moto.clientConfig);
    const account = await createDemoAccount(clients);
    await createStateTable(clients.dynamodb, 'lambda-role-audit-state');
    const capture = await createAlertCapture({ sns, sqs: clients.sqs }, 'lambda-role-audit-alerts');
    const runtime = createAuditorRuntime(
      {
        stateTableName: 'lambda-role-audit-state',
        alertTopicArn: capture.topicArn,
        minSeverity: 'low',
        suppressions: [],
        tagSuppression: DEFAULT_TAG_SUPPRESSION,
        account: '123456789012',
        auditRegions: [REGION],
        region: REGION,
      },
      { endpoint: moto.endpoint, credentials: moto.clientConfig.credentials, maxAttempts: 2 },
    );
    // Warnings only: the demo prints the alerts, not the handler's structured logs.
    const logger = new Logger({ serviceName: 'demo', logLevel: 'WARN' });
    const changeHandler = createChangeHandler(runtime, logger);
    const sweepHandler = createSweepHandler(runtime, logger);

    console.log(
      `Account ready in moto: function ${account.functionName}, role ${account.roleName}, SQS mapping ${account.mappingUuid}.`,
    );
    const sweep = await sweepHandler({}, context);
    console.log(`Scheduled sweep: ${sweep.subject} (remembered as the starting point).`);
    await capture.receive();

    console.log(bold(`\n1. Someone detaches ${SQS_EXECUTION_POLICY} from ${account.roleName}.`));
    await clients.iam.send(
      new DetachRolePolicyCommand({ RoleName: account.roleName, PolicyArn: SQS_EXECUTION_POLICY }),
    );
    const detach = cloudTrailEvent('iam-detach-role-policy', {
      roleName: account.roleName,
      policyArn: SQS_EXECUTION_POLICY,
    });
    const first = await changeHandler(sqsEvent([detach]), context);
    const alerts = await capture.receive();
    console.log(
      `The change handler took the event (failed messages: ${first.batchItemFailures.length}) and published ${alerts.length} alert.\n`,
    );
    for (const alert of alerts) {
      printEmail(alert);
      printSlack(alert);
    }

    console.log(bold(`2. The policy is attached again.`));
    await clients.iam.send(
      new AttachRolePolicyCommand({ RoleName: account.roleName, PolicyArn: SQS_EXECUTION_POLICY }),
    );
    const attach = cloudTrailEvent('iam-attach-role-policy', {
      roleName: account.roleName,
      policyArn: SQS_EXECUTION_POLICY,
    });
    await changeHandler(sqsEvent([attach]), context);
    const fixed = await capture.receive();
    for (const alert of fixed) printEmail(alert);

    console.log(bold('\n3. The same event delivered again changes nothing:'));
    await changeHandler(sqsEvent([attach]), context);
    console.log(`${(await capture.receive()).length} alerts published.`);
  } finally {
    await moto.stop();
  }
}

await main();
