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

export const lambdaChangeEventPattern = {
  source: ['aws.lambda'],
  'detail-type': [CLOUDTRAIL_API_CALL],
  detail: {
    eventSource: ['lambda.amazonaws.com'],
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
    ],
  },
};

/** `name` bare or followed by an API-version date. */
function dated(name: string): (string | { prefix: string })[] {
  return [name, { prefix: `${name}20` }];
}
