import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createSlackPoster,
  createWebhookUrlProvider,
} from '../../../shared/adapters/notifier/slack-webhook.js';

const URL = 'https://hooks.slack.com/services/T0/B0/X';

describe('Slack webhook URL', () => {
  it('reads an SSM SecureString once and caches it', async () => {
    const ssm = new SSMClient({ region: 'us-east-1' });
    const mock = mockClient(ssm)
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: URL } });
    const url = createWebhookUrlProvider({ kind: 'parameter', client: ssm, name: '/slack/webhook' });
    expect(await url()).toBe(URL);
    expect(await url()).toBe(URL);
    expect(mock.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(mock.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/slack/webhook',
      WithDecryption: true,
    });
  });

  it('retries a failed read on the next message instead of caching the failure', async () => {
    const ssm = new SSMClient({ region: 'us-east-1' });
    mockClient(ssm)
      .on(GetParameterCommand)
      .rejectsOnce(new Error('Throttling'))
      .resolves({ Parameter: { Value: URL } });
    const url = createWebhookUrlProvider({ kind: 'parameter', client: ssm, name: 'p' });
    await expect(url()).rejects.toThrow('Throttling');
    expect(await url()).toBe(URL);
  });

  it('refuses a value that is not an https URL, without echoing it', async () => {
    const ssm = new SSMClient({ region: 'us-east-1' });
    mockClient(ssm)
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: 'http://leaky.example/xyz' } });
    const url = createWebhookUrlProvider({ kind: 'parameter', client: ssm, name: 'p' });
    await expect(url()).rejects.toThrow('does not hold an https URL');
    await expect(url()).rejects.not.toThrow('leaky');
  });

  it('posts the blocks and reports Slack’s refusal without the URL', async () => {
    const calls: string[] = [];
    const post = createSlackPoster({
      webhookUrl: async () => URL,
      fetch: async (url, init) => {
        calls.push(`${url} ${init.body}`);
        return { ok: false, status: 404, text: async () => 'no_service' };
      },
    });
    const error = await post({ text: 't', blocks: [{ type: 'divider' }] }).catch((e: unknown) => e);
    expect(String(error)).toBe('SlackWebhookError: Slack webhook answered 404: no_service');
    expect(calls).toEqual([`${URL} {"text":"t","blocks":[{"type":"divider"}]}`]);
  });
});
