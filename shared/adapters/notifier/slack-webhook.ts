/**
 * Posts to a Slack incoming webhook. The webhook URL is a secret (anyone holding it can post to the
 * channel, and a URL pointing elsewhere would receive every alert: account id, ARNs, policies): it is read
 * from Secrets Manager or SSM Parameter Store (SecureString), cached for the life of the execution
 * environment, and never written anywhere.
 *
 * Hardening:
 * - only `https://` URLs whose host is on the allowlist: `hooks.slack.com` by default, other hosts only
 *   when the deployment names them (`-c slackWebhookAllowedHosts=…`, the SLACK_WEBHOOK_ALLOWED_HOSTS
 *   variable); no credentials or port in the URL;
 * - `redirect: 'error'`: a webhook that redirects is refused, never followed elsewhere;
 * - a timeout of our own, at most 10 s, well inside the function's;
 * - no part of the URL in any error (and so in no log line and no dead-letter record): a URL that fails
 *   to parse, a refused host, a network error (whose text can name the host) all become messages of our
 *   own words, with no `cause` that would carry theirs.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { SlackMessage } from '../../alerts/render-chat.js';
import { SlackWebhookError } from '../../domain/errors.js';

/** The only webhook host allowed unless the deployment allows others. */
export const DEFAULT_WEBHOOK_HOSTS: readonly string[] = ['hooks.slack.com'];
/** The longest a post may take: Slack answers in well under a second; Lambda then retries. */
export const MAX_WEBHOOK_TIMEOUT_MS = 10_000;

export type WebhookUrlSource =
  | { readonly kind: 'secret'; readonly client: SecretsManagerClient; readonly secretId: string }
  | { readonly kind: 'parameter'; readonly client: SSMClient; readonly name: string };

/** A host name as the allowlist holds it: lower case letters, digits, dots and hyphens. */
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Parses the allowlist setting (a comma list); throws naming the setting, never echoing a bad entry. */
export function parseAllowedHosts(
  raw: string | undefined,
  setting = 'SLACK_WEBHOOK_ALLOWED_HOSTS',
): string[] {
  const hosts = (raw ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  for (const host of hosts) {
    if (!HOST.test(host)) throw new SlackWebhookError(`${setting} holds an entry that is not a host name`);
  }
  return hosts.length > 0 ? [...new Set([...DEFAULT_WEBHOOK_HOSTS, ...hosts])] : [...DEFAULT_WEBHOOK_HOSTS];
}

/**
 * The secret may hold the URL itself or a JSON object with a `url` or `webhookUrl` key (how people tend
 * to store it in the console's key/value editor).
 */
function urlFromSecretText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      // JSON.parse's message quotes the text: ours does not.
      throw new SlackWebhookError('the webhook secret starts like JSON but is not JSON');
    }
    if (parsed && typeof parsed === 'object') {
      const record = parsed as Record<string, unknown>;
      const url = record.url ?? record.webhookUrl ?? record.webhook_url;
      if (typeof url === 'string') return url.trim();
    }
    throw new SlackWebhookError('the webhook secret is JSON without a "url" or "webhookUrl" key');
  }
  return trimmed;
}

/**
 * Checks a webhook URL against the rules above and returns it. Every refusal says which rule, in our
 * words, and nothing of the URL (not even its host: the allowlist says what is expected).
 */
export function checkWebhookUrl(text: string, allowedHosts: readonly string[], where: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Node's TypeError carries the input (`error.input`): it must not travel on.
    throw new SlackWebhookError(`the webhook ${where} does not hold a URL`);
  }
  if (url.protocol !== 'https:')
    throw new SlackWebhookError(`the webhook ${where} does not hold an https URL`);
  if (url.username !== '' || url.password !== '')
    throw new SlackWebhookError(`the webhook ${where} holds a URL with credentials, which is refused`);
  if (url.port !== '')
    throw new SlackWebhookError(`the webhook ${where} holds a URL with a port, which is refused`);
  if (!allowedHosts.includes(url.hostname.toLowerCase()))
    throw new SlackWebhookError(
      `the webhook ${where} holds a URL whose host is not allowed (allowed: ${allowedHosts.join(', ')}; others only through the deployment's slackWebhookAllowedHosts)`,
    );
  return url.href;
}

export function createWebhookUrlProvider(
  source: WebhookUrlSource,
  options: { readonly allowedHosts?: readonly string[] } = {},
): () => Promise<string> {
  const allowedHosts = options.allowedHosts ?? DEFAULT_WEBHOOK_HOSTS;
  let cached: Promise<string> | undefined;
  const load = async (): Promise<string> => {
    const text =
      source.kind === 'secret'
        ? (await source.client.send(new GetSecretValueCommand({ SecretId: source.secretId }))).SecretString
        : (await source.client.send(new GetParameterCommand({ Name: source.name, WithDecryption: true })))
            .Parameter?.Value;
    if (!text) throw new SlackWebhookError(`the webhook ${source.kind} holds no text`);
    return checkWebhookUrl(urlFromSecretText(text), allowedHosts, source.kind);
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
  init: {
    method: string;
    headers: Record<string, string>;
    body: string;
    redirect: 'error';
    signal: AbortSignal;
  },
) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
}>;

/** Why a request failed, in our words: error names and codes only, never their messages (they can name the host). */
function describeFailure(error: unknown, timeoutMs: number): string {
  // An abort's reason is a DOMException, which is not an Error in every Node version: read its name.
  const named = (error as { name?: unknown } | null)?.name;
  const name = typeof named === 'string' && /^[A-Za-z]{1,40}$/.test(named) ? named : 'Error';
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const causeText = typeof cause?.message === 'string' ? cause.message : '';
  if (causeText.includes('redirect')) return 'the webhook answered with a redirect, which is refused';
  const code =
    typeof cause?.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(cause.code) ? `, ${cause.code}` : '';
  return `the request failed (${name}${code})`;
}

/** Slack's error answers are short codes (`invalid_blocks`, `no_service`); anything else is left out. */
function slackErrorCode(body: string): string {
  const trimmed = body.trim();
  return /^[a-z0-9_]{1,64}$/.test(trimmed) ? `: ${trimmed}` : '';
}

export function createSlackPoster(options: {
  webhookUrl: () => Promise<string>;
  fetch?: Fetch;
  timeoutMs?: number;
}) {
  const doFetch: Fetch = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = Math.min(options.timeoutMs ?? MAX_WEBHOOK_TIMEOUT_MS, MAX_WEBHOOK_TIMEOUT_MS);
  return async function postToSlack(message: SlackMessage): Promise<void> {
    const url = await options.webhookUrl();
    let response: Awaited<ReturnType<Fetch>>;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // An empty `blocks` list is rejected by Slack (`invalid_blocks`): send the text alone then.
        body: JSON.stringify(message.blocks.length > 0 ? message : { text: message.text }),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new SlackWebhookError(`Slack webhook: ${describeFailure(error, timeoutMs)}`);
    }
    if (!response.ok) {
      let body = '';
      try {
        body = await response.text();
      } catch {
        body = '';
      }
      throw new SlackWebhookError(
        `Slack webhook answered ${response.status}${slackErrorCode(body.slice(0, 200))}`,
      );
    }
  };
}
