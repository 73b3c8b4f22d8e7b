import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  apiActionOf,
  type ChangeTarget,
  classifyEvent,
  functionArnOf,
} from '../../../shared/events/change.js';
import { parseCloudTrailEvent } from '../../../shared/events/cloudtrail-event.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/events');
const read = (name: string) => readFileSync(join(fixtures, `${name}.json`), 'utf8');

function classify(name: string) {
  const parsed = parseCloudTrailEvent(read(name));
  if (!parsed.ok) throw new Error(parsed.error);
  return classifyEvent(parsed.event);
}

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:orders-consumer';
const ROLE: ChangeTarget = { kind: 'role', roleName: 'orders-consumer-role' };
const POLICY: ChangeTarget = {
  kind: 'managed-policy',
  policyArn: 'arn:aws:iam::123456789012:policy/orders-queue-access',
};

describe('CloudTrail event classification', () => {
  it.each<[string, ChangeTarget]>([
    ['iam-attach-role-policy', ROLE],
    ['iam-detach-role-policy', ROLE],
    ['iam-put-role-policy', ROLE],
    ['iam-delete-role-policy', ROLE],
    ['iam-put-role-permissions-boundary', ROLE],
    ['iam-delete-role-permissions-boundary', ROLE],
    ['iam-update-assume-role-policy', ROLE],
    ['iam-delete-role', ROLE],
    ['iam-create-policy-version', POLICY],
    ['iam-set-default-policy-version', POLICY],
    ['lambda-create-function', { kind: 'function', functionArn: FN }],
    ['lambda-update-function-configuration', { kind: 'function', functionArn: FN }],
    ['lambda-create-event-source-mapping', { kind: 'function', functionArn: FN }],
    ['lambda-update-event-source-mapping', { kind: 'function', functionArn: FN }],
    ['lambda-delete-event-source-mapping', { kind: 'function', functionArn: FN }],
    ['lambda-put-function-event-invoke-config', { kind: 'function', functionArn: FN }],
    ['lambda-update-function-event-invoke-config', { kind: 'function', functionArn: FN }],
    ['lambda-delete-function-event-invoke-config', { kind: 'function', functionArn: FN }],
    ['lambda-delete-function', { kind: 'function', functionArn: FN }],
    ['lambda-publish-version', { kind: 'function', functionArn: FN }],
    ['lambda-create-alias', { kind: 'function', functionArn: FN }],
    ['lambda-update-alias', { kind: 'function', functionArn: FN }],
    ['lambda-delete-alias', { kind: 'function', functionArn: FN }],
    [
      'sqs-set-queue-attributes',
      {
        kind: 'source-encryption',
        resourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders-queue',
        region: 'us-east-1',
      },
    ],
    [
      'kinesis-start-stream-encryption',
      {
        kind: 'source-encryption',
        resourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders-stream',
        region: 'us-east-1',
      },
    ],
    [
      'kinesis-stop-stream-encryption',
      {
        kind: 'source-encryption',
        resourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders-stream',
        region: 'us-east-1',
      },
    ],
    [
      'sns-set-topic-attributes',
      {
        kind: 'source-encryption',
        resourceArn: 'arn:aws:sns:us-east-1:123456789012:orders-failures',
        region: 'us-east-1',
      },
    ],
    [
      'secretsmanager-update-secret',
      {
        kind: 'source-encryption',
        resourceArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-kafka-auth-AbCdEf',
        region: 'us-east-1',
      },
    ],
  ])('resolves %s to what it changed', (name, target) => {
    const result = classify(name);
    expect(result.kind).toBe('change');
    if (result.kind !== 'change') return;
    expect(result.change.target).toEqual(target);
    expect(result.change.actor).toBe('arn:aws:sts::123456789012:assumed-role/PlatformAdmin/jane');
    expect(result.change.eventTime).toBe('2026-11-26T14:02:11Z');
    expect(result.change.summary.length).toBeGreaterThan(10);
  });

  it('has a fixture for every event file and parses them all', () => {
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(24);
    for (const file of files)
      expect(parseCloudTrailEvent(readFileSync(join(fixtures, file), 'utf8')).ok).toBe(true);
  });

  it('says who detached which policy from which role', () => {
    const result = classify('iam-detach-role-policy');
    if (result.kind !== 'change') throw new Error('expected a change');
    expect(result.change.summary).toBe(
      'DetachRolePolicy arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole from role orders-consumer-role',
    );
  });

  it.each([
    ['sqs-set-queue-attributes-no-key', 'SetQueueAttributes changed no encryption attribute of the queue'],
    ['secretsmanager-update-secret-description', "UpdateSecret did not change the secret's key"],
  ])('ignores %s: the key stayed the same', (name, reason) => {
    expect(classify(name)).toEqual({ kind: 'ignored', reason });
  });

  it('names a secret known only by its name after its region and account, without the suffix it cannot know', () => {
    const parsed = parseCloudTrailEvent(read('secretsmanager-update-secret'));
    if (!parsed.ok) throw new Error(parsed.error);
    const { responseElements: _, ...detail } = parsed.event.detail;
    const result = classifyEvent({ ...parsed.event, detail });
    expect(result.kind === 'change' && result.change.target).toEqual({
      kind: 'source-encryption',
      resourceArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-kafka-auth',
      region: 'us-east-1',
    });
  });

  it.each([
    [
      'a queue URL that is not one',
      'sqs-set-queue-attributes',
      { queueUrl: 'https://sqs.example/a/b/c', attributes: { KmsMasterKeyId: 'k' } },
    ],
    ['a stream name with a slash', 'kinesis-start-stream-encryption', { streamName: 'a/../b' }],
    [
      'a topic attribute other than the key',
      'sns-set-topic-attributes',
      { topicArn: 'arn:aws:sns:us-east-1:123456789012:t', attributeName: 'Policy' },
    ],
  ])('ignores an encryption event with %s', (_what, name, requestParameters) => {
    const parsed = parseCloudTrailEvent(read(name));
    if (!parsed.ok) throw new Error(parsed.error);
    const result = classifyEvent({ ...parsed.event, detail: { ...parsed.event.detail, requestParameters } });
    expect(result.kind).toBe('ignored');
  });

  it('ignores failed calls: they changed nothing', () => {
    const result = classify('iam-detach-role-policy-failed');
    expect(result).toEqual({ kind: 'ignored', reason: 'failed call (AccessDenied) changed nothing' });
  });

  it.each([
    'iam-create-user-unrelated',
    'iam-create-role-unrelated',
    'lambda-create-function-url-config-unrelated',
    'lambda-tag-resource-unrelated',
  ])('ignores %s', (name) => {
    expect(classify(name).kind).toBe('ignored');
  });

  it('ignores a policy version that is not made the default', () => {
    const event = JSON.parse(read('iam-create-policy-version'));
    event.detail.requestParameters.setAsDefault = false;
    const parsed = parseCloudTrailEvent(JSON.stringify(event));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(classifyEvent(parsed.event).kind).toBe('ignored');
  });

  it('falls back to the mapping UUID when an UpdateEventSourceMapping names no function', () => {
    const event = JSON.parse(read('lambda-update-event-source-mapping'));
    event.detail.responseElements = null;
    const parsed = parseCloudTrailEvent(JSON.stringify(event));
    if (!parsed.ok) throw new Error(parsed.error);
    const result = classifyEvent(parsed.event);
    expect(result.kind === 'change' && result.change.target).toEqual({
      kind: 'event-source-mapping',
      uuid: 'a1b2c3d4-5678-90ab-cdef-EXAMPLEaaaaa',
      region: 'us-east-1',
    });
  });

  it('uses recipientAccountId when the envelope lacks the account (as moto delivers it)', () => {
    const event = JSON.parse(read('lambda-delete-function-event-invoke-config'));
    delete event.account;
    const parsed = parseCloudTrailEvent(JSON.stringify(event));
    if (!parsed.ok) throw new Error(parsed.error);
    const result = classifyEvent(parsed.event);
    expect(result.kind === 'change' && result.change.target).toEqual({ kind: 'function', functionArn: FN });
  });
});

describe('event parsing', () => {
  it.each(['{"secret":"hunter2"', 'hunter2', 'token=hunter2'])(
    'rejects the non-JSON body %s without echoing it',
    (body) => {
      const result = parseCloudTrailEvent(body);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).not.toContain('hunter2');
    },
  );

  it('rejects an event of another detail-type, naming the field', () => {
    const result = parseCloudTrailEvent(
      JSON.stringify({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('detail-type');
  });
});

describe('Lambda event names and function names', () => {
  it.each([
    ['UpdateFunctionConfiguration20150331v2', 'UpdateFunctionConfiguration'],
    ['CreateEventSourceMapping20150331', 'CreateEventSourceMapping'],
    ['PutFunctionEventInvokeConfig', 'PutFunctionEventInvokeConfig'],
    ['AttachRolePolicy', 'AttachRolePolicy'],
  ])('maps %s to the API action %s', (eventName, action) => {
    expect(apiActionOf(eventName)).toBe(action);
  });

  it.each([
    ['orders-consumer', FN],
    ['orders-consumer:live', FN],
    [`${FN}:$LATEST`, FN],
    ['123456789012:function:orders-consumer', FN],
    [
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:x:1',
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:x',
    ],
  ])('turns the functionName %s into the unqualified ARN', (name, arn) => {
    expect(
      functionArnOf(name, name.includes('cn-north-1') ? 'cn-north-1' : 'us-east-1', '123456789012'),
    ).toBe(arn);
  });

  it('cannot build an ARN from a bare name without the account', () => {
    expect(functionArnOf('orders-consumer', 'us-east-1', undefined)).toBeUndefined();
  });
});

describe('suppress tag changes', () => {
  it.each<[string, ChangeTarget, 'set' | 'removed', string]>([
    [
      'iam-tag-role-suppress',
      ROLE,
      'set',
      'TagRole lambda-role-audit:suppress = "wildcard-action,overbroad-resource,trust-policy-too-broad" on role orders-consumer-role',
    ],
    [
      'iam-untag-role-suppress',
      ROLE,
      'removed',
      'UntagRole lambda-role-audit:suppress from role orders-consumer-role',
    ],
    [
      'lambda-tag-resource-suppress',
      { kind: 'function', functionArn: FN },
      'set',
      'TagResource lambda-role-audit:suppress = "overbroad-resource,unused-source-permission" on function orders-consumer',
    ],
    [
      'lambda-untag-resource-suppress',
      { kind: 'function', functionArn: FN },
      'removed',
      'UntagResource lambda-role-audit:suppress from function orders-consumer',
    ],
  ])('makes %s a change of what the tag is on, saying who and what', (name, target, action, summary) => {
    const result = classify(name);
    if (result.kind !== 'change') throw new Error(`${name} should be a change`);
    expect(result.change.target).toEqual(target);
    expect(result.change.summary).toBe(summary);
    expect(result.change.suppressTag).toMatchObject({
      on: target.kind === 'role' ? 'role' : 'function',
      action,
      resource: target.kind === 'role' ? 'orders-consumer-role' : FN,
    });
    expect(result.change.actor).toBe('arn:aws:sts::123456789012:assumed-role/PlatformAdmin/jane');
    expect(result.change.eventTime).toBe('2026-11-26T14:02:11Z');
  });

  it.each(['lambda-tag-resource-unrelated', 'lambda-untag-resource-unrelated', 'iam-untag-role-unrelated'])(
    'ignores %s: other tags change nothing the audit sees',
    (name) => {
      const result = classify(name);
      expect(result.kind).toBe('ignored');
      if (result.kind === 'ignored') expect(result.reason).toContain('other than lambda-role-audit:suppress');
    },
  );

  it('ignores a TagRole of other keys (the rule delivers every TagRole) and the suppress tag on a mapping', () => {
    const tagRole = JSON.parse(read('iam-tag-role-suppress'));
    tagRole.detail.requestParameters.tags = [{ key: 'team', value: 'orders' }];
    const parsed = parseCloudTrailEvent(JSON.stringify(tagRole));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(classifyEvent(parsed.event).kind).toBe('ignored');

    const mapping = JSON.parse(read('lambda-tag-resource-suppress'));
    mapping.detail.requestParameters.resource =
      'arn:aws:lambda:us-east-1:123456789012:event-source-mapping:a1b2c3d4-5678-90ab-cdef-EXAMPLEaaaaa';
    const parsedMapping = parseCloudTrailEvent(JSON.stringify(mapping));
    if (!parsedMapping.ok) throw new Error(parsedMapping.error);
    expect(classifyEvent(parsedMapping.event)).toEqual({
      kind: 'ignored',
      reason: 'TagResource on lambda-role-audit:suppress of something that is not a function',
    });
  });

  it('accepts a single untagged key given as a string', () => {
    const untag = JSON.parse(read('lambda-untag-resource-suppress'));
    untag.detail.requestParameters.tagKeys = 'lambda-role-audit:suppress';
    const parsed = parseCloudTrailEvent(JSON.stringify(untag));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(classifyEvent(parsed.event)).toMatchObject({
      kind: 'change',
      change: { suppressTag: { action: 'removed' } },
    });
  });
});
