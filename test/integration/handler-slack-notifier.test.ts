/**
 * The Slack notifier handler, the real module configured by its environment: the webhook URL lives in
 * moto's Secrets Manager, the alert is the SNS message the change handler publishes, and the POST to
 * Slack is caught at `fetch` (the only thing not emulated).
 */
import { inspect } from 'node:util';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { jest } from '@jest/globals';
import type { Context, SNSEvent } from 'aws-lambda';
import { buildFunctionAlert, diffFindings } from '../../shared/alerts/alert-document.js';
import { renderSnsAlert } from '../../shared/alerts/sns-message.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { detachChange, functionResult, missingDelete, report } from '../unit/alerts/alert-factory.js';

const WEBHOOK = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
/** A webhook URL that fails to parse (a space in the host), with parts that must never be seen again. */
const BROKEN = 'https://hooks slack.com/services/T0LEAKED/B0LEAKED/SECRETPART';
let secretArn = '';
const context = {
  functionName: 'slack-notifier',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

let moto: MotoServer;
let handler: (event: SNSEvent, context: Context) => Promise<void>;

function snsEvent(message: string, subject: string): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:alerts:sub',
        Sns: {
          Type: 'Notification',
          MessageId: 'm-1',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
          Subject: subject,
          Message: message,
          Timestamp: '2026-11-26T14:02:31.000Z',
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

beforeAll(async () => {
  moto = await startMotoServer('us-east-1');
  const secrets = new SecretsManagerClient(moto.clientConfig);
  // The first test reads a broken URL; the others the good one (a failed read is not cached).
  const secret = await secrets.send(
    new CreateSecretCommand({ Name: 'slack-webhook', SecretString: JSON.stringify({ url: BROKEN }) }),
  );
  secretArn = secret.ARN ?? '';
  secrets.destroy();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    SLACK_WEBHOOK_SECRET_ARN: secret.ARN,
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    POWERTOOLS_DEV: 'true',
  });
  ({ handler } = await import('../../functions/slack-notifier/handler.js'));
});

afterAll(async () => {
  await moto?.stop();
});

describe('Slack notifier', () => {
  it('fails on a webhook URL that does not parse, with no part of it in the error or the logs', async () => {
    const written: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const spies = methods.map((method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        written.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '));
      }),
    );
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    let error: unknown;
    try {
      error = await handler(snsEvent('anything', 'subject'), context).catch((e: unknown) => e);
    } finally {
      for (const spy of spies) spy.mockRestore();
      fetchSpy.mockRestore();
    }
    expect(String(error)).toBe('SlackWebhookError: the webhook secret does not hold a URL');
    expect(fetchSpy).not.toHaveBeenCalled();
    // Lambda records the error (name, message, stack) in its logs and in the dead-letter record.
    const seen = `${written.join('\n')}\n${inspect(error, { depth: 10, showHidden: true })}\n${JSON.stringify(error)}`;
    for (const part of ['T0LEAKED', 'B0LEAKED', 'SECRETPART', 'slack.com/services'])
      expect(seen).not.toContain(part);

    const secrets = new SecretsManagerClient(moto.clientConfig);
    await secrets.send(
      new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ url: WEBHOOK }) }),
    );
    secrets.destroy();
  });

  const result = functionResult([missingDelete]);
  const alert = renderSnsAlert(
    buildFunctionAlert({
      report: report([result]),
      result,
      diff: diffFindings([], [missingDelete]),
      changes: [detachChange],
    }),
  );

  it('posts the alert as Block Kit to the webhook kept in Secrets Manager', async () => {
    const posted: { url: string; body: string }[] = [];
    const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
      posted.push({ url: String(url), body: String(init?.body) });
      return new Response('ok', { status: 200 });
    });
    try {
      await handler(snsEvent(alert.message, alert.subject), context);
    } finally {
      fetchSpy.mockRestore();
    }
    expect(posted).toHaveLength(1);
    expect(posted[0]?.url).toBe(WEBHOOK);
    const body = JSON.parse(posted[0]?.body ?? '{}');
    expect(body.text).toBe(
      '[lambda-role-audit] orders-consumer can no longer receive from SQS queue orders-queue',
    );
    expect(body.blocks[0].type).toBe('header');
    expect(JSON.stringify(body.blocks)).toContain('sqs:DeleteMessage');
  });

  it('fails the invocation when Slack refuses, so that Lambda retries it', async () => {
    const fetchSpy = jest
      .spyOn(globalThis, 'fetch')
      .mockImplementation(async () => new Response('invalid_blocks', { status: 400 }));
    try {
      await expect(handler(snsEvent(alert.message, alert.subject), context)).rejects.toThrow(
        'Slack webhook answered 400: invalid_blocks',
      );
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it('posts the subject of a message that carries no alert JSON', async () => {
    const posted: string[] = [];
    const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
      posted.push(String(init?.body));
      return new Response('ok', { status: 200 });
    });
    try {
      await handler(snsEvent('hello from someone else', 'A note'), context);
    } finally {
      fetchSpy.mockRestore();
    }
    expect(posted).toEqual([JSON.stringify({ text: 'A note' })]);
  });
});
