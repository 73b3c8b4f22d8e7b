/**
 * Posts to a Slack incoming webhook. The webhook URL is a secret (anyone holding it can post to the
 * channel): it is read from Secrets Manager or SSM Parameter Store (SecureString), cached for the life of
 * the execution environment, and never logged.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { SlackMessage } from '../../alerts/render-chat.js';
import { SlackWebhookError } from '../../domain/errors.js';

export type WebhookUrlSource =
  | { readonly kind: 'secret'; readonly client: SecretsManagerClient; readonly secretId: string }
  | { readonly kind: 'parameter'; readonly client: SSMClient; readonly name: string };

/**
 * The secret may hold the URL itself or a JSON object with a `url` or `webhookUrl` key (how people tend
 * to store it in the console's key/value editor).
 */
function urlFromSecretText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object') {
      const record = parsed as Record<string, unknown>;
      const url = record.url ?? record.webhookUrl ?? record.webhook_url;
      if (typeof url === 'string') return url;
    }
    throw new SlackWebhookError('the webhook secret is JSON without a "url" or "webhookUrl" key');
  }
  return trimmed;
}

export function createWebhookUrlProvider(source: WebhookUrlSource): () => Promise<string> {
  let cached: Promise<string> | undefined;
  const load = async (): Promise<string> => {
    const text =
      source.kind === 'secret'
        ? (await source.client.send(new GetSecretValueCommand({ SecretId: source.secretId }))).SecretString
        : (await source.client.send(new GetParameterCommand({ Name: source.name, WithDecryption: true })))
            .Parameter?.Value;
    if (!text) throw new SlackWebhookError(`the webhook ${source.kind} holds no text`);
    const url = urlFromSecretText(text);
    if (!/^https:\/\//.test(url))
      throw new SlackWebhookError(`the webhook ${source.kind} does not hold an https URL`);
    return url;
  };
  return () => {
    cached ??= load().catch((error: unknown) => {
      cached = undefined; // a failed read is retried on the next message, not cached
      throw error;
    });
    return cached;
  };
}

export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
}>;

export function createSlackPoster(options: { webhookUrl: () => Promise<string>; fetch?: Fetch }) {
  const doFetch: Fetch = options.fetch ?? ((url, init) => fetch(url, init));
  return async function postToSlack(message: SlackMessage): Promise<void> {
    const url = await options.webhookUrl();
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // An empty `blocks` list is rejected by Slack (`invalid_blocks`): send the text alone then.
      body: JSON.stringify(message.blocks.length > 0 ? message : { text: message.text }),
    });
    if (!response.ok) {
      // Slack's error bodies are short codes (`invalid_blocks`, `no_service`); the URL stays out of it.
      const body = (await response.text()).slice(0, 200);
      throw new SlackWebhookError(`Slack webhook answered ${response.status}: ${body}`);
    }
  };
}
