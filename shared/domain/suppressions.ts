/**
 * Suppressions: a person's decision that a finding is accepted, with the reason (contract README,
 * "Suppressions"). Two sources: a file of `{ rule, function?, role?, action?, resource?, reason }`
 * entries, and the tag `lambda-role-audit:suppress` = `rule[,rule…]` on the role or the function.
 * A suppressed finding stays in the report (`suppressed: true`, `suppressionReason`, `suppressionSource`);
 * it counts neither for `compliant` nor in the summary, nor for alerts and the exit status.
 *
 * The two sources are not equally trusted. The file belongs to the deployment (reviewed, with a reason
 * per entry); a tag can be set by anyone who may tag a role or a function, which includes the people the
 * auditor watches. So what a tag may suppress is a setting (`TagSuppressionPolicy`): by default a tag
 * cannot suppress a critical or high finding, nor the trust-policy rules, whatever it names. A tag that
 * names such a finding leaves it open and says so (`suppressionRefused`): that attempt is news too.
 *
 * Matching: every field given must match. `function` and `role` accept a name or an ARN, `action` is
 * compared case-insensitively (as IAM does) and `resource` case-sensitively; all accept `*` and `?`.
 */
import * as z from 'zod';
import { InputError } from './errors.js';
import type { Tag } from './model.js';
import { textMatches } from './policy/match.js';
import { RULE_IDS, type RuleId, SEVERITIES, type Severity, type SuppressionSource } from './report.js';

export interface Suppression {
  readonly rule: RuleId;
  readonly function?: string;
  readonly role?: string;
  readonly action?: string;
  readonly resource?: string;
  readonly reason: string;
}

export const SUPPRESS_TAG = 'lambda-role-audit:suppress';

const entrySchema = z.strictObject({
  rule: z.enum(RULE_IDS),
  function: z.string().min(1).optional(),
  role: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  resource: z.string().min(1).optional(),
  reason: z.string().trim().min(1, 'a suppression needs a reason'),
});

const listSchema = z.array(entrySchema);

function entriesOf(raw: unknown): unknown {
  if (Array.isArray(raw)) return raw;
  if (typeof raw === 'object' && raw !== null && 'suppressions' in raw) return raw.suppressions;
  return raw;
}

/**
 * Validates suppressions read from `origin` (a file path, a parameter name): a list of entries, or an
 * object with a `suppressions` list. Throws `InputError` naming the origin and the entry at fault.
 */
export function parseSuppressions(raw: unknown, origin: string): Suppression[] {
  if (raw === null || raw === undefined) return [];
  const parsed = listSchema.safeParse(entriesOf(raw));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map(
        (issue) =>
          `${issue.path.length === 0 ? 'the top level' : `entry ${issue.path.join('.')}`}: ${issue.message}`,
      )
      .join('; ');
    throw new InputError(
      `${origin}: not a valid suppressions list (expected a list of { rule, function?, role?, action?, resource?, reason }, rule one of ${RULE_IDS.join(', ')}): ${problems}`,
      { cause: parsed.error },
    );
  }
  const entries = parsed.data;
  return entries.map((entry) => {
    const suppression: { -readonly [K in keyof Suppression]: Suppression[K] } = {
      rule: entry.rule,
      reason: entry.reason,
    };
    if (entry.function !== undefined) suppression.function = entry.function;
    if (entry.role !== undefined) suppression.role = entry.role;
    if (entry.action !== undefined) suppression.action = entry.action;
    if (entry.resource !== undefined) suppression.resource = entry.resource;
    return suppression;
  });
}

/** What a suppression is matched against. */
export interface SuppressionTarget {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly functionName: string;
  readonly functionArn: string;
  readonly roleArn: string;
  /** Every action the finding is about (empty when it is about none). */
  readonly actions: readonly string[];
  readonly resource?: string;
  readonly functionTags?: readonly Tag[];
  readonly roleTags?: readonly Tag[];
}

/** What a tag may suppress: a deployment setting (`-c tagSuppress…`) and a CLI option (`--tag-suppress-…`). */
export interface TagSuppressionPolicy {
  /** The highest severity a tag may suppress; `none`: tags suppress nothing. */
  readonly maxSeverity: Severity | 'none';
  /** The rules a tag may suppress. */
  readonly rules: readonly RuleId[];
}

/** The rules that say who may assume the role: taking it over is the attack, so a tag never hides them by default. */
export const TRUST_POLICY_RULES: readonly RuleId[] = ['trust-policy-not-lambda', 'trust-policy-too-broad'];

/** Tags suppress medium, low and info findings of every rule but the trust-policy ones. */
export const DEFAULT_TAG_SUPPRESSION: TagSuppressionPolicy = {
  maxSeverity: 'medium',
  rules: RULE_IDS.filter((rule) => !TRUST_POLICY_RULES.includes(rule)),
};

/**
 * Reads the two settings of a `TagSuppressionPolicy` as given on a command line or in an environment:
 * `maxSeverity` a severity or `none` (default `medium`); `rules` a comma list of rule names, or `all`
 * (default: every rule but the trust-policy ones). Throws `InputError` naming `origin` and the value.
 */
export function parseTagSuppressionPolicy(
  input: { readonly maxSeverity?: string | undefined; readonly rules?: string | undefined },
  origin: { readonly maxSeverity: string; readonly rules: string },
): TagSuppressionPolicy {
  let maxSeverity = DEFAULT_TAG_SUPPRESSION.maxSeverity;
  const severity = input.maxSeverity?.trim().toLowerCase();
  if (severity !== undefined && severity !== '') {
    const known = ['none', ...SEVERITIES] as const;
    const found = known.find((candidate) => candidate === severity);
    if (found === undefined) {
      throw new InputError(`${origin.maxSeverity}: "${input.maxSeverity}" is not one of ${known.join(', ')}`);
    }
    maxSeverity = found;
  }
  let rules = DEFAULT_TAG_SUPPRESSION.rules;
  const list = input.rules?.trim();
  if (list !== undefined && list !== '') {
    if (list.toLowerCase() === 'all') rules = RULE_IDS;
    else {
      const names = list
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
      const unknown = names.filter((name) => !(RULE_IDS as readonly string[]).includes(name));
      if (unknown.length > 0) {
        throw new InputError(
          `${origin.rules}: ${unknown.map((name) => `"${name}"`).join(', ')} is not a rule (expected all, or a comma list of ${RULE_IDS.join(', ')})`,
        );
      }
      rules = RULE_IDS.filter((rule) => names.includes(rule));
    }
  }
  return { maxSeverity, rules };
}

/** What the suppressions make of one finding. */
export type SuppressionOutcome =
  | { readonly suppressed: true; readonly reason: string; readonly source: SuppressionSource }
  | {
      readonly suppressed: false;
      /** A tag names the finding's rule but may not suppress it: why, for the finding's note. */
      readonly refused?: string;
    };

/** Whether the tags hold the suppress tag: without it on the function or its role, no tag suppresses anything. */
export function hasSuppressTag(tags: readonly Tag[] | undefined): boolean {
  return tags?.some((tag) => tag.Key === SUPPRESS_TAG) === true;
}

function rulesOfTag(tags: readonly Tag[] | undefined): string[] {
  const tag = (tags ?? []).find((candidate) => candidate.Key === SUPPRESS_TAG);
  return tag === undefined ? [] : tag.Value.split(/[,\s]+/).filter((rule) => rule !== '');
}

function matchesEntry(entry: Suppression, target: SuppressionTarget): boolean {
  if (entry.rule !== target.rule) return false;
  if (
    entry.function !== undefined &&
    !textMatches(entry.function, target.functionName, true) &&
    !textMatches(entry.function, target.functionArn, true)
  ) {
    return false;
  }
  if (entry.role !== undefined) {
    const roleName = target.roleArn.split('/').at(-1) ?? target.roleArn;
    if (!textMatches(entry.role, roleName, true) && !textMatches(entry.role, target.roleArn, true))
      return false;
  }
  const action = entry.action;
  if (action !== undefined && !target.actions.some((candidate) => textMatches(action, candidate, false)))
    return false;
  if (
    entry.resource !== undefined &&
    (target.resource === undefined || !textMatches(entry.resource, target.resource, true))
  ) {
    return false;
  }
  return true;
}

/** Why the policy keeps a tag from suppressing this finding, or `undefined` when it may. */
function tagMayNot(target: SuppressionTarget, policy: TagSuppressionPolicy): string | undefined {
  if (policy.maxSeverity === 'none') return 'tags suppress nothing in this deployment';
  if (!policy.rules.includes(target.rule)) {
    return TRUST_POLICY_RULES.includes(target.rule)
      ? `tags may not suppress the trust-policy rules (${target.rule})`
      : `tags may not suppress ${target.rule} here`;
  }
  if (SEVERITIES.indexOf(target.severity) < SEVERITIES.indexOf(policy.maxSeverity)) {
    return `tags may not suppress ${target.severity} findings (at most ${policy.maxSeverity})`;
  }
  return undefined;
}

/**
 * What the suppressions make of a finding: suppressed by a file entry (which wins, with its reason), else
 * by the suppress tag on the function, else on the role — where the policy lets a tag suppress it. A tag
 * that names the rule but may not suppress the finding leaves it open with a note (`refused`).
 */
export function suppressionOf(
  target: SuppressionTarget,
  suppressions: readonly Suppression[],
  policy: TagSuppressionPolicy = DEFAULT_TAG_SUPPRESSION,
): SuppressionOutcome {
  const entry = suppressions.find((candidate) => matchesEntry(candidate, target));
  if (entry !== undefined) return { suppressed: true, reason: entry.reason, source: { kind: 'file' } };
  const tagged = [
    {
      on: 'function',
      name: `function ${target.functionName}`,
      arn: target.functionArn,
      tags: target.functionTags,
    },
    { on: 'role', name: `role ${target.roleArn}`, arn: target.roleArn, tags: target.roleTags },
  ] as const;
  let refused: string | undefined;
  for (const { on, name, arn, tags } of tagged) {
    if (!rulesOfTag(tags).includes(target.rule)) continue;
    const why = tagMayNot(target, policy);
    if (why === undefined) {
      return {
        suppressed: true,
        reason: `suppressed by the tag ${SUPPRESS_TAG} on ${name}`,
        source: { kind: 'tag', on, arn },
      };
    }
    refused ??= `the tag ${SUPPRESS_TAG} on ${name} names ${target.rule}, but ${why}: the finding stays open (a suppressions file entry with a reason can suppress it)`;
  }
  return refused === undefined ? { suppressed: false } : { suppressed: false, refused };
}

/** The reason a finding is suppressed, or `undefined` when it is not (`suppressionOf`, default policy). */
export function suppressionReason(
  target: SuppressionTarget,
  suppressions: readonly Suppression[],
  policy: TagSuppressionPolicy = DEFAULT_TAG_SUPPRESSION,
): string | undefined {
  const outcome = suppressionOf(target, suppressions, policy);
  return outcome.suppressed ? outcome.reason : undefined;
}
