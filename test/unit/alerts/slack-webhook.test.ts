import { inspect } from 'node:util';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import {
  checkWebhookUrl,
  createSlackPoster,
  createWebhookUrlProvider,
  type Fetch,
  parseAllowedHosts,
} from '../../../shared/adapters/notifier/slack-webhook.js';

const URL = 'https://hooks.slack.com/services/T0/B0/X';

function providerFor(value: string, allowedHosts?: readonly string[]) {
  const ssm = new SSMClient({ region: 'us-east-1' });
  mockClient(ssm)
    .on(GetParameterCommand)
    .resolves({ Parameter: { Value: value } });
  return createWebhookUrlProvider(
    { kind: 'parameter', client: ssm, name: 'p' },
    allowedHosts ? { allowedHosts } : {},
  );
}

/** Everything an error could carry into a log or a dead-letter record: message, stack, cause, own properties. */
function everything(error: unknown): string {
  return `${String(error)}\n${inspect(error, { depth: 10, showHidden: true })}\n${JSON.stringify(error)}`;
}

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

  it.each([
    ['http://hooks.slack.com/services/T0/B0/leaky', 'does not hold an https URL'],
    ['https://evil.example/collect/leaky', 'whose host is not allowed (allowed: hooks.slack.com'],
    ['https://hooks.slack.com.evil.example/leaky', 'whose host is not allowed'],
    ['https://user:leaky@hooks.slack.com/services/T0', 'with credentials'],
    ['https://hooks.slack.com:8443/services/leaky', 'with a port'],
    ['{"url": 42, "leaky": true}', 'JSON without a "url"'],
    ['{"url": "leaky', 'starts like JSON but is not JSON'],
  ])('refuses %s without echoing any of it', async (value, reason) => {
    const error = await providerFor(value)().catch((e: unknown) => e);
    expect(String(error)).toContain(reason);
    expect(everything(error)).not.toContain('leaky');
  });

  it('gives no part of a URL that fails to parse to the error, its cause or its stack', async () => {
    const secret = 'https://hooks slack.com/services/T0SECRET/B0SECRET/not-a-url';
    const error = await providerFor(secret)().catch((e: unknown) => e);
    expect(String(error)).toBe('SlackWebhookError: the webhook parameter does not hold a URL');
    for (const part of ['T0SECRET', 'B0SECRET', 'not-a-url', 'slack.com/services'])
      expect(everything(error)).not.toContain(part);
    expect((error as Error).cause).toBeUndefined();
  });

  it('allows other hosts only when the deployment names them', async () => {
    const hosts = parseAllowedHosts('chat.example.org, hooks.example.net');
    expect(hosts).toEqual(['hooks.slack.com', 'chat.example.org', 'hooks.example.net']);
    expect(await providerFor('https://chat.example.org/hook/1', hosts)()).toBe(
      'https://chat.example.org/hook/1',
    );
    expect(checkWebhookUrl(URL, parseAllowedHosts(undefined), 'secret')).toBe(URL);
    expect(() => parseAllowedHosts('good.example.org,https://bad.example/x')).toThrow(
      'SLACK_WEBHOOK_ALLOWED_HOSTS holds an entry that is not a host name',
    );
  });
});

describe('Slack webhook post', () => {
  it('posts the blocks without following redirects, with a timeout of at most 10 s', async () => {
    const calls: Parameters<Fetch>[] = [];
    const post = createSlackPoster({
      webhookUrl: async () => URL,
      timeoutMs: 60_000,
      fetch: async (url, init) => {
        calls.push([url, init]);
        return { ok: true, status: 200, text: async () => 'ok' };
      },
    });
    await post({ text: 't', blocks: [{ type: 'divider' }] });
    const [url, init] = calls[0] ?? [];
    expect(url).toBe(URL);
    expect(init?.redirect).toBe('error');
    expect(init?.body).toBe('{"text":"t","blocks":[{"type":"divider"}]}');
    expect(init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('stops waiting after the timeout and says so, without the URL', async () => {
    const post = createSlackPoster({
      webhookUrl: async () => URL,
      timeoutMs: 20,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => {
          init.signal.addEventListener('abort', () => reject(init.signal.reason));
        }),
    });
    const error = await post({ text: 't', blocks: [] }).catch((e: unknown) => e);
    expect(String(error)).toBe('SlackWebhookError: Slack webhook: no answer within 0.02 s');
    expect(everything(error)).not.toContain('T0/B0');
  });

  it('reports Slack’s refusal by its code, and a network failure by its name, never with the URL', async () => {
    const refused = createSlackPoster({
      webhookUrl: async () => URL,
      fetch: async () => ({ ok: false, status: 404, text: async () => 'no_service' }),
    });
    expect(String(await refused({ text: 't', blocks: [] }).catch((e: unknown) => e))).toBe(
      'SlackWebhookError: Slack webhook answered 404: no_service',
    );
    const chatty = createSlackPoster({
      webhookUrl: async () => URL,
      fetch: async () => ({ ok: false, status: 500, text: async () => `<html>${URL}</html>` }),
    });
    const error = await chatty({ text: 't', blocks: [] }).catch((e: unknown) => e);
    expect(String(error)).toBe('SlackWebhookError: Slack webhook answered 500');
    const unreachable = createSlackPoster({
      webhookUrl: async () => URL,
      fetch: async () => {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error(`getaddrinfo ENOTFOUND hooks.slack.com ${URL}`), {
            code: 'ENOTFOUND',
          }),
        });
      },
    });
    const network = await unreachable({ text: 't', blocks: [] }).catch((e: unknown) => e);
    expect(String(network)).toBe(
      'SlackWebhookError: Slack webhook: the request failed (TypeError, ENOTFOUND)',
    );
    expect(everything(network)).not.toContain('hooks.slack.com');
  });

  it('refuses a redirect instead of following it', async () => {
    const post = createSlackPoster({
      webhookUrl: async () => URL,
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: new Error('unexpected redirect') });
      },
    });
    expect(String(await post({ text: 't', blocks: [] }).catch((e: unknown) => e))).toBe(
      'SlackWebhookError: Slack webhook: the webhook answered with a redirect, which is refused',
    );
  });
});
