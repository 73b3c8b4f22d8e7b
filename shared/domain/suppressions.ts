/**
 * Suppressions: a person's decision that a finding is accepted, with the reason (contract README,
 * "Suppressions"). Two sources: a file of `{ rule, function?, role?, action?, resource?, reason }`
 * entries, and the tag `lambda-role-audit:suppress` = `rule[,rule…]` on the role or the function.
 * A suppressed finding stays in the report (`suppressed: true`, `suppressionReason`); it counts neither
 * for `compliant` nor in the summary, nor for alerts and the exit status.
 *
 * Matching: every field given must match. `function` and `role` accept a name or an ARN, `action` is
 * compared case-insensitively (as IAM does) and `resource` case-sensitively; all accept `*` and `?`.
 */
import * as z from 'zod';
import { InputError } from './errors.js';
import type { Tag } from './model.js';
import { textMatches } from './policy/match.js';
import { RULE_IDS, type RuleId } from './report.js';

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
  readonly functionName: string;
  readonly functionArn: string;
  readonly roleArn: string;
  /** Every action the finding is about (empty when it is about none). */
  readonly actions: readonly string[];
  readonly resource?: string;
  readonly functionTags?: readonly Tag[];
  readonly roleTags?: readonly Tag[];
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

/** The reason a finding is suppressed, or `undefined` when it is not. File entries win over tags. */
export function suppressionReason(
  target: SuppressionTarget,
  suppressions: readonly Suppression[],
): string | undefined {
  const entry = suppressions.find((candidate) => matchesEntry(candidate, target));
  if (entry !== undefined) return entry.reason;
  if (rulesOfTag(target.functionTags).includes(target.rule)) {
    return `suppressed by the tag ${SUPPRESS_TAG} on function ${target.functionName}`;
  }
  if (rulesOfTag(target.roleTags).includes(target.rule)) {
    return `suppressed by the tag ${SUPPRESS_TAG} on role ${target.roleArn}`;
  }
  return undefined;
}
