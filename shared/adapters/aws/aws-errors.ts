import { InputError } from '../../domain/errors.js';

/**
 * What an SDK error means for the audit. SDK v3 errors carry the modeled exception name (`name`), the
 * fault side (`$fault`) and the response metadata (`$metadata.httpStatusCode`, `attempts`): enough to
 * tell "not there" from "not allowed" from "AWS is busy", which the live source turns into different
 * outcomes (absent resource, read error, thrown error).
 */

export type AwsErrorKind = 'not-found' | 'access-denied' | 'throttled' | 'server' | 'other';

const NOT_FOUND = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'ResourceNotFoundException',
  // SQS (JSON protocol, then its query-protocol code), SNS and KMS.
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'NotFoundException',
  'NotFound',
]);
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'LimitExceeded',
]);

interface SdkErrorFields {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown; readonly attempts?: unknown };
}

function fields(error: unknown): SdkErrorFields {
  return typeof error === 'object' && error !== null ? (error as SdkErrorFields) : {};
}

export function awsErrorKind(error: unknown): AwsErrorKind {
  const { name, $fault, $metadata } = fields(error);
  const code = typeof name === 'string' ? name : '';
  if (NOT_FOUND.has(code)) return 'not-found';
  if (ACCESS_DENIED.has(code)) return 'access-denied';
  if (THROTTLED.has(code)) return 'throttled';
  const status = typeof $metadata?.httpStatusCode === 'number' ? $metadata.httpStatusCode : undefined;
  if (status === 429) return 'throttled';
  if (status === 403) return 'access-denied';
  if ($fault === 'server' || (status !== undefined && status >= 500)) return 'server';
  return 'other';
}

/** `GetRole role/x: AccessDenied: User … is not authorized … (after 3 attempts)`. */
export function describeAwsError(operation: string, resource: string, error: unknown): string {
  const { name, message, $metadata } = fields(error);
  const code = typeof name === 'string' ? name : 'Error';
  let text = typeof message === 'string' && message.length > 0 ? message : String(error);
  // The SDK could not parse the answer (an HTML or XML page where AWS sends JSON): its message speaks of
  // its own internals ("inspect the hidden field {error}.$response"); say what the user can act on.
  const unparsed = text.indexOf('Deserialization error');
  if (unparsed >= 0) {
    const status = typeof $metadata?.httpStatusCode === 'number' ? `HTTP ${$metadata.httpStatusCode}, ` : '';
    text = `the answer (${status}${text.slice(0, unparsed).trim()}) is not one AWS sends: is a proxy in the way, or AWS_ENDPOINT_URL set to something else?`;
    return `${operation} ${resource}: ${text}`;
  }
  const attempts =
    typeof $metadata?.attempts === 'number' && $metadata.attempts > 1
      ? ` (after ${$metadata.attempts} attempts)`
      : '';
  return `${operation} ${resource}: ${code}: ${text}${attempts}`;
}

/**
 * An error raised before AWS answered (no credentials, no region, no network after the retries): it is
 * about this process, not about one function or role, so nothing else would fare better.
 */
export function isUnansweredRequest(error: unknown): boolean {
  const { $metadata } = fields(error);
  return typeof $metadata?.httpStatusCode !== 'number';
}

/**
 * A call that a whole-account read cannot do without (GetAccountAuthorizationDetails, ListFunctions,
 * ListEventSourceMappings), or a request AWS never answered: nothing meaningful can be audited, so the
 * read stops with this error. It is an `InputError` for the CLI: the account it was pointed at (credentials,
 * region, permissions) cannot be used, exit 2 with this message.
 */
export class LiveAccountReadError extends InputError {
  readonly kind: AwsErrorKind;
  constructor(operation: string, error: unknown) {
    const kind = awsErrorKind(error);
    const hint =
      kind === 'access-denied'
        ? ' (the credentials need iam:GetAccountAuthorizationDetails, lambda:ListFunctions, lambda:ListEventSourceMappings and lambda:ListFunctionEventInvokeConfigs: see docs/live-audit.md)'
        : '';
    super(`cannot read the account: ${describeAwsError(operation, 'in this account', error)}${hint}`, {
      cause: error,
    });
    this.name = 'LiveAccountReadError';
    this.kind = kind;
  }
}
