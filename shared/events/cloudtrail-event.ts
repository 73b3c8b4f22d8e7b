/**
 * The EventBridge envelope of a CloudTrail-recorded API call ("AWS API Call via CloudTrail"), parsed with
 * zod at the edge. Only the fields the auditor reads are typed; everything else passes through untouched
 * (CloudTrail adds fields over time, and an unknown field must never make us drop a change).
 *
 * Shapes: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html and
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
import * as z from 'zod';

export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';

const parameters = z.record(z.string(), z.unknown());

export const userIdentitySchema = z.looseObject({
  type: z.string().optional(),
  arn: z.string().optional(),
  principalId: z.string().optional(),
  accountId: z.string().optional(),
  invokedBy: z.string().optional(),
});

export const cloudTrailDetailSchema = z.looseObject({
  eventVersion: z.string().optional(),
  userIdentity: userIdentitySchema.optional(),
  eventTime: z.string(),
  eventSource: z.string(),
  eventName: z.string(),
  awsRegion: z.string(),
  requestParameters: parameters.nullish(),
  responseElements: parameters.nullish(),
  /** Present only on failed calls (`AccessDenied`, `NoSuchEntity`, ...): such calls changed nothing. */
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  eventID: z.string().optional(),
  recipientAccountId: z.string().optional(),
});

export const cloudTrailEventSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string().optional(),
  'detail-type': z.literal(CLOUDTRAIL_API_CALL),
  source: z.string(),
  /** moto's EventBridge omits `account` (moto-notes P13); `detail.recipientAccountId` backs it up. */
  account: z.string().optional(),
  time: z.string().optional(),
  region: z.string().optional(),
  detail: cloudTrailDetailSchema,
});

export type CloudTrailEvent = z.infer<typeof cloudTrailEventSchema>;
export type CloudTrailDetail = z.infer<typeof cloudTrailDetailSchema>;

export type ParsedEvent =
  | { readonly ok: true; readonly event: CloudTrailEvent }
  | { readonly ok: false; readonly error: string };

/**
 * Parses an SQS message body (the EventBridge event as JSON text). Never throws: a malformed event is a
 * value, so that the caller can log a short reason (not the event) and drop it instead of retrying it.
 */
export function parseCloudTrailEvent(body: string): ParsedEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    // Not JSON.parse's message: V8 quotes the start of the text in it, and the text stays out of logs.
    return { ok: false, error: `message body is not JSON (${body.length} characters)` };
  }
  const result = cloudTrailEventSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    return {
      ok: false,
      error: `not an "${CLOUDTRAIL_API_CALL}" event: ${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, event: result.data };
}

/** Who made the call, as precisely as CloudTrail says: the identity ARN, else the invoking service or principal. */
export function actorOf(detail: CloudTrailDetail): string {
  const identity = detail.userIdentity;
  return identity?.arn ?? identity?.invokedBy ?? identity?.principalId ?? identity?.type ?? 'unknown';
}
