/**
 * The EventBridge rules' event patterns, as the plain JSON objects the stack deploys (infra imports these
 * very objects, and the pattern test puts them into moto's EventBridge), so that what is tested is what
 * runs.
 *
 * - IAM is global: its CloudTrail events arrive only on the us-east-1 default bus (aws-facts §5), so the
 *   IAM rule belongs in us-east-1 whatever region the auditor lives in.
 * - Lambda event names carry API-version suffixes (`UpdateFunctionConfiguration20150331v2`) that AWS has
 *   changed before, so they are matched by prefix (name + date), never exactly.
 * - Failed calls changed nothing: `errorCode` must be absent. The handler ignores them too, in case a rule
 *   is ever widened.
 * - The regional rule (named for Lambda, which it was first) also carries the regional changes that decide
 *   what a function needs from its role: a queue's, stream's, topic's or secret's key
 *   (encryption-change.ts). Those are regional like Lambda's, so they travel the same way (the home
 *   region's rule, or the forwarding rule of another audited region). Their names carry no date suffix;
 *   the handler further drops such calls that changed no key (a visibility timeout, a secret's value).
 * - Tag changes matter only for the suppress tag. Where the request shows the key as a field or in a list
 *   of strings (Lambda's `tags` map, the `tagKeys` of both untag calls), the pattern keeps only those.
 *   IAM's TagRole lists `{key, value}` objects: EventBridge matches inside arrays of objects, but the
 *   emulator these patterns are tested against does not (moto-notes), and a pattern that silently misses
 *   would hide exactly the change that matters; so every TagRole comes, and the handler drops the others
 *   before any API call.
 *
 * Pattern syntax: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
import { SUPPRESS_TAG } from '../domain/suppressions.js';
import { IAM_EVENT_NAMES, LAMBDA_EVENT_NAME_PREFIXES } from './change.js';
import { CLOUDTRAIL_API_CALL } from './cloudtrail-event.js';
import { ENCRYPTION_EVENT_NAMES } from './encryption-change.js';

export const iamChangeEventPattern = {
  source: ['aws.iam'],
  'detail-type': [CLOUDTRAIL_API_CALL],
  detail: {
    eventSource: ['iam.amazonaws.com'],
    errorCode: [{ exists: false }],
    $or: [
      { eventName: [...IAM_EVENT_NAMES, 'TagRole'] },
      { eventName: ['UntagRole'], requestParameters: { tagKeys: [SUPPRESS_TAG] } },
    ],
  },
};

const ENCRYPTION_SOURCES = Object.keys(ENCRYPTION_EVENT_NAMES);

export const lambdaChangeEventPattern = {
  source: ['aws.lambda', ...ENCRYPTION_SOURCES.map((source) => `aws.${source.split('.')[0]}`)],
  'detail-type': [CLOUDTRAIL_API_CALL],
  detail: {
    eventSource: ['lambda.amazonaws.com', ...ENCRYPTION_SOURCES],
    errorCode: [{ exists: false }],
    $or: [
      // The bare name, or the name followed by a date (`20150331`, `20150331v2`, `20171031`...): a plain
      // prefix would also catch `CreateFunctionUrlConfig`, which changes nothing the role needs.
      { eventName: LAMBDA_EVENT_NAME_PREFIXES.flatMap(dated) },
      {
        eventName: dated('TagResource'),
        requestParameters: { tags: { [SUPPRESS_TAG]: [{ exists: true }] } },
      },
      { eventName: dated('UntagResource'), requestParameters: { tagKeys: [SUPPRESS_TAG] } },
      // The key changes of sources and destinations carry no date.
      { eventName: Object.values(ENCRYPTION_EVENT_NAMES).flat() },
    ],
  },
};

/** `name` bare or followed by an API-version date. */
function dated(name: string): (string | { prefix: string })[] {
  return [name, { prefix: `${name}20` }];
}
