/**
 * Hostile policies: documents that someone who may edit a Lambda role could write to stall the auditor
 * (the patterns of issue 8's security review, and worse), each within IAM's size limits: 10,240 characters
 * for a role's inline policies together, 6,144 for a managed policy, whitespace not counted
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). Deterministic: the same
 * case gives the same bytes.
 *
 * `addHostilePolicies` copies them into an export folder: every role gets the case's inline policy (made
 * distinct per role, so that nothing memoised per pattern is shared between roles) and attaches the case's
 * managed policies (shared, as a managed policy is).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const INLINE_LIMIT = 10_240;
export const MANAGED_LIMIT = 6_144;
/** IAM's default quota of managed policies attached to one role. */
export const MANAGED_PER_ROLE = 10;

type Statement = Record<string, unknown>;
export interface HostileDocument {
  readonly Version: '2012-10-17';
  readonly Statement: Statement[];
}

export interface HostileCase {
  readonly name: string;
  readonly description: string;
  /** Added to every role as one more inline policy; `{role}` in it is replaced by the role's index. */
  readonly inline?: (role: number) => HostileDocument;
  /** Created once and attached to every role. */
  readonly managed?: readonly HostileDocument[];
}

/** The size IAM counts: the JSON without whitespace. */
export function policySize(document: HostileDocument): number {
  return JSON.stringify(document).length;
}

const documentOf = (...Statement: Statement[]): HostileDocument => ({ Version: '2012-10-17', Statement });

/**
 * The longest string `head + unit × n + tail` such that the document built from it stays within `limit`
 * (the growth per unit measured, since the document may hold the string more than once).
 */
function fill(
  limit: number,
  head: string,
  unit: string,
  tail: string,
  build: (text: string) => HostileDocument,
): HostileDocument {
  const empty = policySize(build(head + tail));
  const growth = policySize(build(head + unit + tail)) - empty;
  const n = Math.floor((limit - empty) / growth);
  const document = build(head + unit.repeat(Math.max(0, n)) + tail);
  if (policySize(document) > limit) throw new Error(`hostile document over ${limit} characters`);
  return document;
}

/** As many items as fit within `limit`, each made by `item(i)`, in one list built by `build`. */
function fillList(
  limit: number,
  item: (i: number) => string,
  build: (items: string[]) => HostileDocument,
): HostileDocument {
  // Every item takes at least 3 characters ("x",): no more than limit / 3 fit. Binary search for the most.
  const items = Array.from({ length: Math.ceil(limit / 3) }, (_, i) => item(i));
  let fits = 0;
  let over = items.length + 1;
  while (over - fits > 1) {
    const middle = Math.floor((fits + over) / 2);
    if (policySize(build(items.slice(0, middle))) <= limit) fits = middle;
    else over = middle;
  }
  return build(items.slice(0, fits));
}

/** A role's room for one more inline policy: the synthetic roles already hold about 1,500 characters. */
const INLINE_ROOM = INLINE_LIMIT - 2_500;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const REVIEW_RESOURCE = `arn:aws:logs:*:*:log-group:${'*?'.repeat(9)}*Z`;
const REVIEW_ACTION = 'ec2:*?*?*?*?*?*?*Q';

/** A real action name misspelt by swapping two letters in the middle: what `suggest` has to work on. */
function nearMiss(action: string): string {
  const [service, name = ''] = action.split(':');
  const i = Math.floor(name.length / 2);
  const swapped = `${name.slice(0, i - 1)}${name[i]}${name[i - 1]}${name.slice(i + 1)}`;
  return `${service}:${swapped === name ? `${name}x` : swapped}`;
}

/**
 * The catalog's actions as `service:Action`, EC2's first (the review's 150 near-misses were EC2's), then
 * every other service's: what `hostileCases` misspells.
 */
export function realActions(data: Readonly<Record<string, readonly string[]>>): string[] {
  const of = (service: string) => (data[service] ?? []).map((name) => `${service}:${name}`);
  return [
    ...of('ec2'),
    ...Object.keys(data)
      .filter((service) => service !== 'ec2')
      .flatMap(of),
  ];
}

/** The cases. `actions` are real action names to misspell (`realActions`), at least 2,000 of them. */
export function hostileCases(actions: readonly string[]): HostileCase[] {
  const conditionValue = (role: number) =>
    fill(INLINE_ROOM, `arn:aws:iam::${role}:`, '*?', '*Z', (text) =>
      documentOf({
        Sid: 'Conditions',
        Effect: 'Deny',
        Action: 'sqs:*',
        Resource: '*',
        Condition: {
          StringLike: { 'aws:PrincipalArn': [text] },
          StringNotLike: { 'aws:PrincipalArn': [text] },
          ArnLike: { 'aws:PrincipalArn': [text] },
          ArnNotLikeIfExists: { 'aws:PrincipalArn': [text] },
          'ForAnyValue:StringLike': { 'aws:PrincipalArn': [text] },
          'ForAllValues:ArnLike': { 'aws:PrincipalArn': [text] },
        },
      }),
    );
  const nearMissDocument = (count: number) =>
    documentOf({
      Sid: 'Typos',
      Effect: 'Allow',
      Action: actions.slice(0, count).map(nearMiss),
      Resource: '*',
    });
  const cases: HostileCase[] = [
    {
      name: 'review resource pattern',
      description: 'arn:aws:logs:*:*:log-group: + nine *? + *Z, on logs:* (the review: 105 s)',
      inline: () => documentOf({ Sid: 'Logs', Effect: 'Allow', Action: 'logs:*', Resource: REVIEW_RESOURCE }),
    },
    {
      name: 'resource pattern at the inline limit',
      description: 'one Resource of *? repeated to the inline limit, ending *Z',
      inline: (role) =>
        fill(INLINE_ROOM, `arn:aws:logs:*:${role}:log-group:`, '*?', '*Z', (text) =>
          documentOf({ Sid: 'Logs', Effect: 'Allow', Action: 'logs:*', Resource: text }),
        ),
    },
    {
      name: 'resource list at the inline limit',
      description: 'hundreds of distinct *?-patterns in one Resource list, on sqs:* and logs:*',
      inline: (role) =>
        fillList(
          INLINE_ROOM,
          (i) => `arn:aws:*?*?*?*?*?*?*?*${role}Z${i}`,
          (items) =>
            documentOf({ Sid: 'Many', Effect: 'Allow', Action: ['sqs:*', 'logs:*'], Resource: items }),
        ),
    },
    {
      name: 'NotResource at the inline limit',
      description: 'Allow logs:* on NotResource *?…*Z (the review: NotResource too)',
      inline: (role) =>
        fill(INLINE_ROOM, `arn:aws:logs:*:${role}:`, '*?', '*Z', (text) =>
          documentOf({ Sid: 'AllBut', Effect: 'Allow', Action: 'logs:*', NotResource: text }),
        ),
    },
    {
      name: 'review action pattern',
      description: 'ec2:*?*?*?*?*?*?*Q expanded against the catalog (the review: 22 s)',
      inline: () => documentOf({ Sid: 'Ec2', Effect: 'Allow', Action: REVIEW_ACTION, Resource: '*' }),
    },
    {
      name: 'action patterns at the managed limit',
      description: 'hundreds of distinct *:*?…Q patterns (every service) in one managed policy',
      managed: [
        fillList(
          MANAGED_LIMIT,
          (i) => `*:*?*?*?*?*?*Q${i}`,
          (items) => documentOf({ Sid: 'Patterns', Effect: 'Allow', Action: items, Resource: '*' }),
        ),
      ],
    },
    {
      name: 'broad action patterns at the managed limit',
      description: 'hundreds of distinct *:*xy* patterns, each matching thousands of actions',
      managed: [
        fillList(
          MANAGED_LIMIT,
          (i) => `*:*${LETTERS[Math.floor(i / 26) % 26]}${LETTERS[i % 26]}*`,
          (items) => documentOf({ Sid: 'Broad', Effect: 'Allow', Action: items, Resource: '*' }),
        ),
      ],
    },
    {
      name: 'NotAction patterns at the managed limit',
      description: 'the same patterns under NotAction: matched against every action asked',
      managed: [
        fillList(
          MANAGED_LIMIT,
          (i) => `*:*?*?*?*?*?*Q${i}`,
          (items) => documentOf({ Sid: 'AllBut', Effect: 'Deny', NotAction: items, Resource: '*' }),
        ),
      ],
    },
    {
      name: 'condition operators at the inline limit',
      description: 'StringLike, StringNotLike, ArnLike, ArnNotLikeIfExists, ForAnyValue/ForAllValues: *?…*Z',
      inline: conditionValue,
    },
    {
      name: 'policy variables without end',
      description: 'a Resource and a condition value of ${ repeated, no closing brace',
      inline: (role) =>
        fill(INLINE_ROOM, `arn:aws:s3:::${role}/`, '${', '', (text) =>
          documentOf({
            Sid: 'Variables',
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: text,
            Condition: { StringLike: { 'aws:PrincipalArn': text.slice(0, text.length / 2) } },
          }),
        ),
    },
    {
      name: '150 near-miss actions, managed',
      description: '150 misspelt EC2 actions in one managed policy (the review: 12 s at 14 roles)',
      managed: [nearMissDocument(150)],
    },
    {
      name: 'near-miss actions at the managed limit',
      description:
        'as many misspelt actions (EC2, then other services) as fit in each of ten managed policies',
      managed: Array.from({ length: MANAGED_PER_ROLE }, (_, n) =>
        fillList(
          MANAGED_LIMIT,
          (i) => nearMiss(actions[n * 400 + i] ?? `ec2:Describe${i}`),
          (items) => documentOf({ Sid: 'Typos', Effect: 'Allow', Action: items, Resource: '*' }),
        ),
      ),
    },
    {
      name: 'many statements, one Sid',
      description: 'short statements with the same Sid, to the inline limit',
      inline: (role) => {
        const statements: Statement[] = [];
        for (let i = 0; ; i++) {
          statements.push({
            Sid: 'Same',
            Effect: i % 2 === 0 ? 'Allow' : 'Deny',
            Action: 'sqs:SendMessage',
            Resource: `arn:aws:sqs:*:${role}:q*${i}?`,
          });
          if (policySize(documentOf(...statements)) > INLINE_ROOM) {
            statements.pop();
            return documentOf(...statements);
          }
        }
      },
    },
  ];
  const managedAll = cases.flatMap((c) => c.managed ?? []).slice(0, MANAGED_PER_ROLE);
  cases.push({
    name: 'all at once',
    description: 'the resource pattern at the inline limit, and ten of the managed policies above',
    ...(cases[1]?.inline === undefined ? {} : { inline: cases[1].inline }),
    managed: managedAll,
  });
  return cases;
}

interface RoleDetail {
  RoleName: string;
  RolePolicyList: { PolicyName: string; PolicyDocument: unknown }[];
  AttachedManagedPolicies: { PolicyName: string; PolicyArn: string }[];
}

/**
 * Adds a case's policies to the export folder `folder` (written by synthetic-account.ts, or any export):
 * every role gets the inline policy and attaches the managed ones. Returns the number of roles changed.
 */
export function addHostilePolicies(folder: string, hostile: HostileCase, account = '123456789012'): number {
  const file = join(folder, 'authorization-details.json');
  const details = JSON.parse(readFileSync(file, 'utf8')) as {
    RoleDetailList: RoleDetail[];
    Policies: Record<string, unknown>[];
  };
  const managed = (hostile.managed ?? []).map((document, n) => ({
    PolicyName: `hostile-${n}`,
    PolicyId: `ANPAHOSTILE${String(n).padStart(10, '0')}`,
    Arn: `arn:aws:iam::${account}:policy/hostile-${n}`,
    Path: '/',
    DefaultVersionId: 'v1',
    AttachmentCount: details.RoleDetailList.length,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: '2026-12-01T00:00:00+00:00',
    UpdateDate: '2026-12-01T00:00:00+00:00',
    PolicyVersionList: [
      {
        Document: document,
        VersionId: 'v1',
        IsDefaultVersion: true,
        CreateDate: '2026-12-01T00:00:00+00:00',
      },
    ],
  }));
  details.Policies.push(...managed);
  details.RoleDetailList.forEach((role, index) => {
    if (hostile.inline !== undefined) {
      role.RolePolicyList.push({ PolicyName: 'hostile', PolicyDocument: hostile.inline(index) });
    }
    // A role keeps at most MANAGED_PER_ROLE attachments: the case's policies replace the role's own.
    if (managed.length > 0) {
      role.AttachedManagedPolicies = [
        ...role.AttachedManagedPolicies.slice(0, MANAGED_PER_ROLE - managed.length),
        ...managed.map((policy) => ({ PolicyName: policy.PolicyName, PolicyArn: policy.Arn })),
      ];
    }
  });
  writeFileSync(file, JSON.stringify(details));
  return details.RoleDetailList.length;
}
