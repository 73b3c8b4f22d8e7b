/**
 * What a CloudTrail event changed, in the terms the auditor acts on: a role, a managed policy, a function
 * or an event source mapping. Pure: no AWS calls (turning a role or a policy into functions needs the
 * account, and is `resolve-affected.ts`'s job).
 *
 * Event names and request shapes: `../shared/reference/aws-facts.md` §4 (Lambda names carry API-version
 * suffixes such as `UpdateFunctionConfiguration20150331v2`; IAM names are the bare API names; CloudTrail
 * keeps the odd key casing `uUID` and `kMSKeyArn`).
 */
import * as z from 'zod';
import { SUPPRESS_TAG } from '../domain/suppressions.js';
import { actorOf, type CloudTrailEvent } from './cloudtrail-event.js';
import { classifyEncryptionEvent, type EncryptionChangeTarget } from './encryption-change.js';

export type ChangeTarget =
  | { readonly kind: 'role'; readonly roleName: string }
  | { readonly kind: 'managed-policy'; readonly policyArn: string }
  | { readonly kind: 'function'; readonly functionArn: string }
  | { readonly kind: 'event-source-mapping'; readonly uuid: string; readonly region: string }
  | EncryptionChangeTarget;

/**
 * A change to the suppress tag (`lambda-role-audit:suppress`) on a role or a function: what the tag now
 * hides, and who set it when, is news of its own (the alert is a suppression notice).
 */
export interface SuppressTagChange {
  readonly on: 'role' | 'function';
  /** The role name, or the function ARN. */
  readonly resource: string;
  readonly action: 'set' | 'removed';
  /** The value set (rule names), for `set`. */
  readonly value?: string;
}

/** One change, reduced to what an alert says about it and what must be re-audited. */
export interface Change {
  /** The event name as CloudTrail recorded it, e.g. `UpdateFunctionConfiguration20150331v2`. */
  readonly eventName: string;
  /** The API action behind it, without the version suffix, e.g. `UpdateFunctionConfiguration`. */
  readonly action: string;
  /** Who: the CloudTrail identity ARN (or the invoking service). */
  readonly actor: string;
  readonly eventTime: string;
  readonly eventId?: string;
  readonly region: string;
  readonly account?: string;
  /** One line for people: "DetachRolePolicy arn:aws:iam::aws:policy/… from role orders-consumer-role". */
  readonly summary: string;
  readonly target: ChangeTarget;
  /** The mapping a Lambda mapping event names, when it names one (alerts call a new mapping new). */
  readonly mappingUuid?: string;
  /** Set when the change is to the suppress tag. */
  readonly suppressTag?: SuppressTagChange;
}

export type Classification =
  | { readonly kind: 'change'; readonly change: Change }
  | { readonly kind: 'ignored'; readonly reason: string };

/** IAM actions that can change a function's verdict, and the request key naming what they touch. */
const IAM_ROLE_ACTIONS = new Set([
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'UpdateAssumeRolePolicy',
  'DeleteRole',
]);
const IAM_POLICY_ACTIONS = new Set(['CreatePolicyVersion', 'SetDefaultPolicyVersion']);
const LAMBDA_FUNCTION_ACTIONS = new Set([
  'CreateFunction',
  // Nothing to audit any more: the handler finds the function gone and forgets what it remembered.
  'DeleteFunction',
  'UpdateFunctionConfiguration',
  'PutFunctionEventInvokeConfig',
  'UpdateFunctionEventInvokeConfig',
  'DeleteFunctionEventInvokeConfig',
  // A version has its own role and configuration; an alias decides which versions a qualified mapping
  // or invoke config reaches (requirements.md §2b).
  'PublishVersion',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
]);
const LAMBDA_MAPPING_ACTIONS = new Set([
  'CreateEventSourceMapping',
  'UpdateEventSourceMapping',
  'DeleteEventSourceMapping',
]);

/**
 * Tag changes: only those of the suppress tag matter (other tags change nothing the audit sees, unless
 * policies test `aws:PrincipalTag`, which the evaluator does not decide anyway).
 */
export const IAM_TAG_ACTIONS: readonly string[] = ['TagRole', 'UntagRole'];
export const LAMBDA_TAG_ACTIONS: readonly string[] = ['TagResource', 'UntagResource'];

/** The IAM event names the handler acts on (also the IAM rule's `eventName` list), tag events aside. */
export const IAM_EVENT_NAMES: readonly string[] = [...IAM_ROLE_ACTIONS, ...IAM_POLICY_ACTIONS];
/** Lambda API actions the handler acts on; their event names start with these (dated suffixes follow). */
export const LAMBDA_EVENT_NAME_PREFIXES: readonly string[] = [
  ...LAMBDA_FUNCTION_ACTIONS,
  ...LAMBDA_MAPPING_ACTIONS,
];

/** `UpdateFunctionConfiguration20150331v2` → `UpdateFunctionConfiguration`; IAM names are returned as they are. */
export function apiActionOf(eventName: string): string {
  return eventName.replace(/\d{8}(v\d+)?$/, '');
}

const roleRequest = z.looseObject({ roleName: z.string().min(1) });
const policyVersionRequest = z.looseObject({
  policyArn: z.string().min(1),
  setAsDefault: z.union([z.boolean(), z.string()]).optional(),
  versionId: z.string().optional(),
});
const functionRequest = z.looseObject({ functionName: z.string().min(1).optional() });
const functionResponse = z.looseObject({ functionArn: z.string().min(1).optional() });
const mappingRequest = z.looseObject({
  uUID: z.string().min(1).optional(),
  functionName: z.string().min(1).optional(),
});
const mappingResponse = z.looseObject({
  uUID: z.string().min(1).optional(),
  functionArn: z.string().min(1).optional(),
});
// TagRole: `tags` is a list of `{key, value}`; Lambda's TagResource: `tags` is a map. Untag: `tagKeys`.
const tagRoleRequest = z.looseObject({
  roleName: z.string().min(1),
  tags: z.array(z.looseObject({ key: z.string(), value: z.string().optional() })),
});
const tagKeys = z.union([z.array(z.string()), z.string().transform((key) => [key])]);
const untagRoleRequest = z.looseObject({ roleName: z.string().min(1), tagKeys });
const tagResourceRequest = z.looseObject({
  resource: z.string().min(1),
  tags: z.record(z.string(), z.string()),
});
const untagResourceRequest = z.looseObject({ resource: z.string().min(1), tagKeys });

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * The unqualified function ARN for what a Lambda request's `functionName` holds: a name, a full ARN
 * (possibly qualified with a version or alias) or a partial ARN (`123456789012:function:name`). The
 * qualifier is dropped: the execution role belongs to the function, and alerts are per function.
 */
export function functionArnOf(
  functionName: string,
  region: string,
  account: string | undefined,
): string | undefined {
  const full = /^arn:([^:]+):lambda:([^:]+):(\d{12}):function:([^:]+)/.exec(functionName);
  if (full) return `arn:${full[1]}:lambda:${full[2]}:${full[3]}:function:${full[4]}`;
  const partial = /^(\d{12}):function:([^:]+)/.exec(functionName);
  if (partial) return `arn:${partitionOf(region)}:lambda:${region}:${partial[1]}:function:${partial[2]}`;
  const name = /^([A-Za-z0-9_-]+)(:[^:]+)?$/.exec(functionName);
  if (name && account) return `arn:${partitionOf(region)}:lambda:${region}:${account}:function:${name[1]}`;
  return undefined;
}

/** The function name of an ARN (or the value itself when it is a name). */
export function functionNameOf(functionArn: string): string {
  return /:function:([^:]+)/.exec(functionArn)?.[1] ?? functionArn;
}

function isTrue(value: boolean | string | undefined): boolean {
  return value === true || value === 'true';
}

/**
 * Decides what an event changed. Failed calls (`errorCode` present) and events outside the list are
 * `ignored` with a reason: they changed nothing the audit can see, and retrying them would be pointless.
 */
export function classifyEvent(event: CloudTrailEvent): Classification {
  const detail = event.detail;
  if (detail.errorCode !== undefined) {
    return { kind: 'ignored', reason: `failed call (${detail.errorCode}) changed nothing` };
  }
  const action = apiActionOf(detail.eventName);
  const region = detail.awsRegion;
  const account = event.account ?? detail.recipientAccountId ?? detail.userIdentity?.accountId;
  const request = detail.requestParameters ?? {};
  const response = detail.responseElements ?? {};
  const base = {
    eventName: detail.eventName,
    action,
    actor: actorOf(detail),
    eventTime: detail.eventTime,
    region,
    ...(detail.eventID === undefined ? {} : { eventId: detail.eventID }),
    ...(account === undefined ? {} : { account }),
  };
  const change = (target: ChangeTarget, summary: string, mappingUuid?: string): Classification => ({
    kind: 'change',
    change: { ...base, target, summary, ...(mappingUuid === undefined ? {} : { mappingUuid }) },
  });

  if (detail.eventSource === 'iam.amazonaws.com') {
    if (IAM_TAG_ACTIONS.includes(action)) {
      const tag = suppressTagOfRole(action, request);
      if (typeof tag === 'string') return { kind: 'ignored', reason: tag };
      return { kind: 'change', change: { ...base, ...tag } };
    }
    if (IAM_ROLE_ACTIONS.has(action)) {
      const parsed = roleRequest.safeParse(request);
      if (!parsed.success) return { kind: 'ignored', reason: `${action} without requestParameters.roleName` };
      const roleName = parsed.data.roleName;
      return change(
        { kind: 'role', roleName },
        `${action} ${describeRoleChange(action, parsed.data)} role ${roleName}`,
      );
    }
    if (IAM_POLICY_ACTIONS.has(action)) {
      const parsed = policyVersionRequest.safeParse(request);
      if (!parsed.success)
        return { kind: 'ignored', reason: `${action} without requestParameters.policyArn` };
      if (action === 'CreatePolicyVersion' && !isTrue(parsed.data.setAsDefault)) {
        return {
          kind: 'ignored',
          reason: 'CreatePolicyVersion without setAsDefault does not change what the policy grants',
        };
      }
      const version = parsed.data.versionId ? ` (default version ${parsed.data.versionId})` : '';
      return change(
        { kind: 'managed-policy', policyArn: parsed.data.policyArn },
        `${action} on ${parsed.data.policyArn}${version}`,
      );
    }
    return { kind: 'ignored', reason: `IAM ${action} does not affect execution roles` };
  }

  if (detail.eventSource === 'lambda.amazonaws.com') {
    if (LAMBDA_TAG_ACTIONS.includes(action)) {
      const tag = suppressTagOfFunction(action, request, region, account);
      if (typeof tag === 'string') return { kind: 'ignored', reason: tag };
      return { kind: 'change', change: { ...base, ...tag } };
    }
    if (LAMBDA_FUNCTION_ACTIONS.has(action)) {
      const fromResponse = functionResponse.safeParse(response);
      const fromRequest = functionRequest.safeParse(request);
      const named =
        (fromResponse.success ? fromResponse.data.functionArn : undefined) ??
        (fromRequest.success ? fromRequest.data.functionName : undefined);
      const functionArn = named === undefined ? undefined : functionArnOf(named, region, account);
      if (functionArn === undefined) return { kind: 'ignored', reason: `${action} names no function` };
      return change(
        { kind: 'function', functionArn },
        `${action} on function ${functionNameOf(functionArn)}`,
      );
    }
    if (LAMBDA_MAPPING_ACTIONS.has(action)) {
      const req = mappingRequest.safeParse(request);
      const res = mappingResponse.safeParse(response);
      const uuid = (res.success ? res.data.uUID : undefined) ?? (req.success ? req.data.uUID : undefined);
      const named =
        (res.success ? res.data.functionArn : undefined) ?? (req.success ? req.data.functionName : undefined);
      const functionArn = named === undefined ? undefined : functionArnOf(named, region, account);
      const mapping = uuid === undefined ? 'event source mapping' : `event source mapping ${uuid}`;
      if (functionArn !== undefined) {
        return change(
          { kind: 'function', functionArn },
          `${action} on ${mapping} of function ${functionNameOf(functionArn)}`,
          uuid,
        );
      }
      // UpdateEventSourceMapping's request carries only the UUID; the mapping itself names the function.
      if (uuid !== undefined)
        return change({ kind: 'event-source-mapping', uuid, region }, `${action} on ${mapping}`);
      return { kind: 'ignored', reason: `${action} names neither a function nor a mapping UUID` };
    }
    return { kind: 'ignored', reason: `Lambda ${action} does not change what a function needs` };
  }
  const encryption = classifyEncryptionEvent(detail.eventSource, action, region, account, request, response);
  if (encryption?.kind === 'change') return change(encryption.target, encryption.summary);
  if (encryption?.kind === 'ignored') return encryption;
  return { kind: 'ignored', reason: `events from ${detail.eventSource} are not audited` };
}

function describeRoleChange(action: string, request: Record<string, unknown>): string {
  const policyArn = typeof request.policyArn === 'string' ? request.policyArn : undefined;
  const policyName = typeof request.policyName === 'string' ? request.policyName : undefined;
  const boundary = typeof request.permissionsBoundary === 'string' ? request.permissionsBoundary : undefined;
  switch (action) {
    case 'AttachRolePolicy':
      return `${policyArn ?? 'a managed policy'} to`;
    case 'DetachRolePolicy':
      return `${policyArn ?? 'a managed policy'} from`;
    case 'PutRolePolicy':
      return `inline policy ${policyName ?? '?'} on`;
    case 'DeleteRolePolicy':
      return `inline policy ${policyName ?? '?'} from`;
    case 'PutRolePermissionsBoundary':
      return `boundary ${boundary ?? '?'} on`;
    case 'DeleteRolePermissionsBoundary':
      return 'the permissions boundary from';
    case 'UpdateAssumeRolePolicy':
      return 'the trust policy of';
    default:
      return 'on';
  }
}

type TagChangeParts = Pick<Change, 'target' | 'summary' | 'suppressTag'>;

const NOT_THE_SUPPRESS_TAG = `changes tags other than ${SUPPRESS_TAG}, which change nothing the audit sees`;

/** TagRole / UntagRole: the change, or why it is ignored. */
function suppressTagOfRole(action: string, request: Record<string, unknown>): TagChangeParts | string {
  if (action === 'TagRole') {
    const parsed = tagRoleRequest.safeParse(request);
    if (!parsed.success) return 'TagRole without requestParameters.roleName and tags';
    const tag = parsed.data.tags.find((candidate) => candidate.key === SUPPRESS_TAG);
    if (tag === undefined) return `TagRole ${NOT_THE_SUPPRESS_TAG}`;
    const roleName = parsed.data.roleName;
    return {
      target: { kind: 'role', roleName },
      summary: `TagRole ${SUPPRESS_TAG} = "${tag.value ?? ''}" on role ${roleName}`,
      suppressTag: { on: 'role', resource: roleName, action: 'set', value: tag.value ?? '' },
    };
  }
  const parsed = untagRoleRequest.safeParse(request);
  if (!parsed.success) return 'UntagRole without requestParameters.roleName and tagKeys';
  if (!parsed.data.tagKeys.includes(SUPPRESS_TAG)) return `UntagRole ${NOT_THE_SUPPRESS_TAG}`;
  const roleName = parsed.data.roleName;
  return {
    target: { kind: 'role', roleName },
    summary: `UntagRole ${SUPPRESS_TAG} from role ${roleName}`,
    suppressTag: { on: 'role', resource: roleName, action: 'removed' },
  };
}

/** Lambda TagResource / UntagResource on a function: the change, or why it is ignored. */
function suppressTagOfFunction(
  action: string,
  request: Record<string, unknown>,
  region: string,
  account: string | undefined,
): TagChangeParts | string {
  const tagging = action === 'TagResource';
  let resource: string;
  let value: string | undefined;
  if (tagging) {
    const parsed = tagResourceRequest.safeParse(request);
    if (!parsed.success) return 'TagResource without requestParameters.resource and tags';
    resource = parsed.data.resource;
    value = parsed.data.tags[SUPPRESS_TAG];
    if (value === undefined) return `TagResource ${NOT_THE_SUPPRESS_TAG}`;
  } else {
    const parsed = untagResourceRequest.safeParse(request);
    if (!parsed.success) return 'UntagResource without requestParameters.resource and tagKeys';
    resource = parsed.data.resource;
    if (!parsed.data.tagKeys.includes(SUPPRESS_TAG)) return `UntagResource ${NOT_THE_SUPPRESS_TAG}`;
  }
  // Event source mappings and code signing configurations take tags too: only a function's count.
  const functionArn = resource.includes(':function:') ? functionArnOf(resource, region, account) : undefined;
  if (functionArn === undefined) return `${action} on ${SUPPRESS_TAG} of something that is not a function`;
  const name = functionNameOf(functionArn);
  return tagging
    ? {
        target: { kind: 'function', functionArn },
        summary: `TagResource ${SUPPRESS_TAG} = "${value ?? ''}" on function ${name}`,
        suppressTag: { on: 'function', resource: functionArn, action: 'set', value: value ?? '' },
      }
    : {
        target: { kind: 'function', functionArn },
        summary: `UntagResource ${SUPPRESS_TAG} from function ${name}`,
        suppressTag: { on: 'function', resource: functionArn, action: 'removed' },
      };
}
