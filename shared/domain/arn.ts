/**
 * Amazon Resource Names, split into their parts. Format:
 * `arn:partition:service:region:account-id:resource` (the resource part may itself contain `:` and `/`).
 * See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the fifth colon, e.g. `stream/clickstream` or `log-group:/aws/lambda/f:*`. */
  readonly resource: string;
}

/** The parts of an ARN, or `undefined` when the text is not one. */
export function parseArn(text: string): Arn | undefined {
  // Five colons found by index rather than a split and a join: the audit parses tens of thousands of ARNs.
  if (!text.startsWith('arn:')) return undefined;
  const partitionEnd = text.indexOf(':', 4);
  if (partitionEnd <= 4) return undefined;
  const serviceEnd = text.indexOf(':', partitionEnd + 1);
  if (serviceEnd < 0 || serviceEnd === partitionEnd + 1) return undefined;
  const regionEnd = text.indexOf(':', serviceEnd + 1);
  if (regionEnd < 0) return undefined;
  const accountEnd = text.indexOf(':', regionEnd + 1);
  if (accountEnd < 0) return undefined;
  return {
    partition: text.slice(4, partitionEnd),
    service: text.slice(partitionEnd + 1, serviceEnd),
    region: text.slice(serviceEnd + 1, regionEnd),
    account: text.slice(regionEnd + 1, accountEnd),
    resource: text.slice(accountEnd + 1),
  };
}

export function isQueueArn(text: string): boolean {
  const arn = parseArn(text);
  return arn?.service === 'sqs' && arn.resource !== '' && !arn.resource.includes('/');
}

export function isTopicArn(text: string): boolean {
  const arn = parseArn(text);
  return arn?.service === 'sns' && arn.resource !== '';
}

/** `arn:P:s3:::bucket` (a bucket, not an object: no `/` in the resource). */
export function isBucketArn(text: string): boolean {
  const arn = parseArn(text);
  return arn?.service === 's3' && arn.resource !== '' && !arn.resource.includes('/');
}

/** The bucket name of an S3 bucket or object ARN. */
export function bucketName(text: string): string | undefined {
  const arn = parseArn(text);
  if (arn?.service !== 's3' || arn.resource === '') return undefined;
  return segment(arn.resource, '/', 0);
}

export function isFunctionArn(text: string): boolean {
  return functionNameOf(text) !== undefined;
}

export function isEventBusArn(text: string): boolean {
  const arn = parseArn(text);
  return arn?.service === 'events' && arn.resource.startsWith('event-bus/');
}

/**
 * The function name of a Lambda function ARN, qualified (`…:function:NAME:alias`, `…:function:NAME:3`)
 * or not. A plain name (not an ARN) is returned as is.
 */
export function functionNameOf(text: string): string | undefined {
  if (!text.startsWith('arn:')) return text === '' ? undefined : text;
  const arn = parseArn(text);
  if (arn?.service !== 'lambda') return undefined;
  if (!arn.resource.startsWith('function:')) return undefined;
  const name = segment(arn.resource, ':', 1);
  return name !== undefined && name !== '' ? name : undefined;
}

/** The qualifier (alias or version) of a qualified function ARN, if any. */
export function functionQualifierOf(text: string): string | undefined {
  const arn = parseArn(text);
  if (arn?.service !== 'lambda') return undefined;
  const qualifier = segment(arn.resource, ':', 2);
  return qualifier === undefined || qualifier === '' ? undefined : qualifier;
}

/**
 * `text.split(separator)[index]` without splitting the whole text: the audit asks this of tens of
 * thousands of ARNs, and a split makes every segment and an array.
 */
export function segment(text: string, separator: string, index: number): string | undefined {
  let start = 0;
  for (let skipped = 0; skipped < index; skipped++) {
    const next = text.indexOf(separator, start);
    if (next < 0) return undefined;
    start = next + 1;
  }
  const end = text.indexOf(separator, start);
  return end < 0 ? text.slice(start) : text.slice(start, end);
}

/** Where the resource part of an ARN starts (as `parseArn` reads it), or -1 when the text is not an ARN. */
function resourceStart(text: string): number {
  if (!text.startsWith('arn:')) return -1;
  const partitionEnd = text.indexOf(':', 4);
  if (partitionEnd <= 4) return -1;
  const serviceEnd = text.indexOf(':', partitionEnd + 1);
  if (serviceEnd < 0 || serviceEnd === partitionEnd + 1) return -1;
  const regionEnd = text.indexOf(':', serviceEnd + 1);
  if (regionEnd < 0) return -1;
  const accountEnd = text.indexOf(':', regionEnd + 1);
  return accountEnd < 0 ? -1 : accountEnd + 1;
}

/**
 * The last segment of a resource, for readable messages: `stream/clickstream` → `clickstream`. Segments are
 * separated by `:` or `/`; empty ones and `*` are skipped. Read from the end, without splitting.
 */
export function shortName(text: string): string {
  const start = resourceStart(text);
  if (start < 0) return text;
  let end = text.length;
  for (let i = end - 1; i >= start - 1; i--) {
    const code = i < start ? 0x3a : text.charCodeAt(i);
    if (code !== 0x3a && code !== 0x2f) continue; // `:` or `/` (the resource's start counts as one)
    const length = end - i - 1;
    if (length > 0 && !(length === 1 && text.charCodeAt(i + 1) === 0x2a)) return text.slice(i + 1, end);
    end = i;
  }
  return text;
}
