/**
 * Whether an event may be acted on at all: it must be an IAM or Lambda CloudTrail event of this account (or
 * a change of the key of a queue, stream, topic or secret, encryption-change.ts),
 * and name nothing of another account. The change queue's policy admits only the stack's rules, but
 * anyone who could still put a message there (a widened policy, a rule someone else adds to the bus) must
 * not be able to make the auditor read or announce another account's functions. Pure: the caller logs the
 * reason and drops the event.
 */
import type { Change } from './change.js';
import type { CloudTrailEvent } from './cloudtrail-event.js';

/** The EventBridge sources audited, and the CloudTrail `eventSource` each carries. */
const AUDITED_SOURCES: Readonly<Record<string, string>> = {
  'aws.iam': 'iam.amazonaws.com',
  'aws.lambda': 'lambda.amazonaws.com',
  'aws.sqs': 'sqs.amazonaws.com',
  'aws.kinesis': 'kinesis.amazonaws.com',
  'aws.sns': 'sns.amazonaws.com',
  'aws.secretsmanager': 'secretsmanager.amazonaws.com',
};

const ACCOUNT_ID = /^\d{12}$/;

/** An account id as it may be logged: the id itself, or a description of what stands in its place. */
function shown(value: string): string {
  return ACCOUNT_ID.test(value) ? value : `(not an account id, ${value.length} characters)`;
}

/** A short, log-safe rendering of a source: event text is never logged whole. */
function shownSource(value: string): string {
  return value.length <= 40 && /^[\w.-]*$/.test(value) ? value : `(${value.length} characters)`;
}

/**
 * Why the event is not one of this account's IAM or Lambda changes, or `undefined` when it is. The
 * envelope's `account` and the record's `recipientAccountId` must both be this account where present, and
 * one of them must be (moto's EventBridge omits `account`; AWS sets both).
 */
export function foreignEventReason(event: CloudTrailEvent, account: string): string | undefined {
  const expected = Object.hasOwn(AUDITED_SOURCES, event.source) ? AUDITED_SOURCES[event.source] : undefined;
  if (expected === undefined) {
    return `source ${shownSource(event.source)} is not an audited source (${Object.keys(AUDITED_SOURCES).join(', ')})`;
  }
  if (event.detail.eventSource !== expected) {
    return `source ${event.source} carries eventSource ${shownSource(event.detail.eventSource)}, not ${expected}`;
  }
  const claimed = [
    ['account', event.account],
    ['detail.recipientAccountId', event.detail.recipientAccountId],
  ] as const;
  for (const [field, value] of claimed) {
    if (value !== undefined && value !== account) return `${field} ${shown(value)} is not this account`;
  }
  if (claimed.every(([, value]) => value === undefined)) return 'the event names no account';
  return undefined;
}

/** The account field of an ARN (`arn:partition:service:region:account:…`), without splitting it all. */
function accountOf(arn: string): string | undefined {
  let start = 0;
  for (let field = 0; field < 4; field++) {
    start = arn.indexOf(':', start) + 1;
    if (start === 0) return undefined;
  }
  const end = arn.indexOf(':', start);
  return end < 0 ? undefined : arn.slice(start, end);
}

/**
 * Why a change names something outside this account (a function ARN of another account, a managed policy
 * that is neither this account's nor AWS's), or `undefined` when it does not.
 */
export function foreignChangeReason(change: Change, account: string): string | undefined {
  const target = change.target;
  if (target.kind === 'function') {
    const owner = accountOf(target.functionArn);
    if (owner !== account) return `the function ARN belongs to account ${shown(owner ?? '')}`;
  }
  if (target.kind === 'source-encryption') {
    const owner = accountOf(target.resourceArn);
    if (owner !== account) return `the resource ARN belongs to account ${shown(owner ?? '')}`;
  }
  if (target.kind === 'managed-policy') {
    const owner = accountOf(target.policyArn);
    if (owner !== account && owner !== 'aws') {
      return `the managed policy belongs to account ${shown(owner ?? '')}`;
    }
  }
  return undefined;
}
