/**
 * A live read that failed, told in the user's terms: which profile and region it used, and what to do.
 * The SDK's own words ("Could not load credentials from any providers") name neither the profile it
 * looked for nor where; a profile that does not exist even surfaces as a missing region. So the CLI
 * looks at the shared config files itself (the same files and variables the SDK reads:
 * https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html) to say which it is.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../domain/errors.js';

export interface LiveContext {
  /** `--profile`, else `AWS_PROFILE`. */
  readonly profile?: string | undefined;
  /** `--region` (one or several), else `AWS_REGION` / `AWS_DEFAULT_REGION`. */
  readonly regions?: readonly string[] | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The profile and regions a live read uses, from the options first, then the environment. */
export function liveContext(
  options: { profile?: string | undefined; regions?: readonly string[] | undefined },
  env: Readonly<Record<string, string | undefined>>,
): LiveContext {
  const profile = options.profile ?? env.AWS_PROFILE;
  const envRegion = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const regions = options.regions ?? (envRegion ? [envRegion] : undefined);
  return { profile, regions, env };
}

/** The shared config and credentials files, where the SDK looks for them. */
export function sharedFiles(env: Readonly<Record<string, string | undefined>>): {
  config: string;
  credentials: string;
} {
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  return {
    config: env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'),
  };
}

/**
 * The profile names the shared files define: `[profile NAME]` or `[default]` in the config file, `[NAME]`
 * in the credentials file. A file that cannot be read defines none.
 */
export function profileNames(env: Readonly<Record<string, string | undefined>>): Set<string> {
  const files = sharedFiles(env);
  const names = new Set<string>();
  for (const [file, prefixed] of [
    [files.config, true],
    [files.credentials, false],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line.startsWith('[') || !line.endsWith(']')) continue;
      const section = line.slice(1, -1).trim();
      if (!prefixed || section === 'default') names.add(section);
      else if (section.startsWith('profile ')) names.add(section.slice('profile '.length).trim());
    }
  }
  return names;
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 10) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

function nameOf(error: unknown): string {
  return error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)
    ? String((error as { name?: unknown }).name)
    : '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);

/** `profile "prod", region eu-west-1`, or `the default credentials` when neither is known. */
function describeContext(context: LiveContext): string {
  const parts = [
    context.profile !== undefined ? `profile "${context.profile}"` : 'the default credentials',
    ...(context.regions && context.regions.length > 0
      ? [`${context.regions.length === 1 ? 'region' : 'regions'} ${context.regions.join(', ')}`]
      : []),
  ];
  return parts.join(', ');
}

/**
 * The error a live audit or export should report instead of `error`: a missing profile, missing or
 * expired credentials said as such, and every other input error with the profile and region it used.
 * Errors that are not the user's (defects) are returned as they are.
 */
export function explainLiveError(error: unknown, context: LiveContext): unknown {
  // An AWS error that reached here unwrapped is still about the account, not a defect of ours.
  const fromAws = typeof error === 'object' && error !== null && '$metadata' in error;
  if (
    !(error instanceof InputError) &&
    !fromAws &&
    !causes(error).some((cause) => nameOf(cause) === 'CredentialsProviderError')
  ) {
    return error;
  }
  const chain = causes(error);
  const { profile } = context;
  if (profile !== undefined && !profileNames(context.env).has(profile)) {
    const files = sharedFiles(context.env);
    return new InputError(
      `profile "${profile}" is not in ${files.config} or ${files.credentials}: name a profile that exists (aws configure list-profiles), or leave out --profile and AWS_PROFILE to use the default credentials`,
      { cause: error },
    );
  }
  const credentials = chain.find((cause) => nameOf(cause) === 'CredentialsProviderError');
  if (credentials !== undefined) {
    const sdk = messageOf(credentials);
    return new InputError(
      profile !== undefined
        ? `no AWS credentials for profile "${profile}" (the AWS SDK said: ${sdk}); if it signs in with IAM Identity Center, run aws sso login --profile ${profile}`
        : `no AWS credentials found (the AWS SDK said: ${sdk}): pass --profile or set AWS_PROFILE, sign in with aws sso login, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
      { cause: error },
    );
  }
  if (chain.some((cause) => EXPIRED.has(nameOf(cause)))) {
    return new InputError(
      `the credentials of ${describeContext(context)} have expired: sign in again${profile !== undefined ? ` (aws sso login --profile ${profile})` : ''}, then retry (${messageOf(error)})`,
      { cause: error },
    );
  }
  const message = fromAws ? `AWS answered ${nameOf(error)}: ${messageOf(error)}` : messageOf(error);
  return new InputError(`${message} (${describeContext(context)})`, { cause: error });
}
