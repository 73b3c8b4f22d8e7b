/**
 * The smallest fix of an alert, ready to paste: the statements that grant exactly what is missing (and
 * nothing the role already has), as an inline policy, with the AWS CLI command that adds it.
 *
 * - Only missing permissions that an Allow can fix are in it: `implicit-deny` (nothing allows the
 *   action) and `conditional` (only a conditional statement does). An explicit Deny or a permissions
 *   boundary is not fixed by adding an Allow, and an `unverifiable` need may not be a need at all: those
 *   findings are listed as not covered, with the reason.
 * - Each statement follows the function's recommended policy (same Sid, same resource form, e.g.
 *   `…:log-group:G:*` rather than the log-stream ARN the finding evaluates), restricted to the missing
 *   actions and to the resources they are missing on. A need the recommended policy does not cover gets
 *   a statement of its own on the finding's resource.
 * - The command is one line: `aws iam put-role-policy` with the role name, a policy name of our own
 *   (adding it again replaces it, never another policy) and the document as compact JSON in single
 *   quotes. The JSON escapes every character a shell, Slack or markdown would read (escape.ts
 *   `inertJson`), so the same text is safe to paste and to show anywhere, and is the same document to IAM.
 */
import { resourceMatches } from '../domain/policy/match.js';
import type { Finding, RecommendedPolicy, RecommendedStatement } from '../domain/report.js';
import { inertJson, shellQuote } from './escape.js';

export interface FixPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly RecommendedStatement[];
}

export interface NotCovered {
  readonly findingId: string;
  readonly action?: string;
  readonly reason: 'explicit-deny' | 'boundary' | 'unverifiable';
}

export interface FixSuggestion {
  readonly roleName: string;
  readonly policyName: string;
  readonly policy: FixPolicy;
  /**
   * `aws iam put-role-policy …`, one line, safe for a POSIX shell; absent when the policy would exceed
   * IAM's 10,240 characters for a role's inline policies (`tooLarge`).
   */
  readonly command?: string;
  readonly tooLarge?: true;
  /** Ids of the findings the policy fixes. */
  readonly covers: readonly string[];
  readonly notCovered: readonly NotCovered[];
}

const FIXABLE = new Set(['implicit-deny', 'conditional']);

/**
 * IAM's limit on the inline policies of a role, all together, whitespace not counted (IAM and STS
 * quotas: "Role policy size cannot exceed 10,240 characters").
 */
export const INLINE_POLICY_LIMIT = 10_240;

/** IAM's inline policy names: `[\w+=,.@-]`, at most 128 characters. */
function policyNameFor(functionName: string): string {
  const safe = [...functionName].map((ch) => (/[\w+=,.@-]/.test(ch) ? ch : '-')).join('');
  return `lambda-role-audit-fix-${safe}`.slice(0, 128);
}

function roleNameOf(roleArn: string): string {
  const slash = roleArn.lastIndexOf('/');
  return slash >= 0 ? roleArn.slice(slash + 1) : roleArn;
}

function sameAction(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The recommended statement granting `action` on a resource that covers `resource`. */
function recommendedFor(
  policy: RecommendedPolicy | null | undefined,
  action: string,
  resource: string,
): { statement: RecommendedStatement; grant: string } | undefined {
  for (const statement of policy?.Statement ?? []) {
    if (!statement.Action.some((a) => sameAction(a, action))) continue;
    for (const grant of statement.Resource) {
      if (grant === resource || resourceMatches(grant, resource)) return { statement, grant };
    }
  }
  return undefined;
}

interface Draft {
  readonly sid: string;
  readonly actions: Set<string>;
  readonly resources: Set<string>;
}

function causeKeyOf(finding: Finding): string {
  const cause = finding.cause;
  if (cause?.kind === 'event-source-mapping') return `mapping:${cause.uuid}`;
  if (cause?.kind === 'function-configuration') return `setting:${cause.setting}`;
  return 'other';
}

/** Sids must be alphanumeric (IAM): anything else is dropped. */
function sidOf(text: string): string {
  const sid = [...text].filter((ch) => /[A-Za-z0-9]/.test(ch)).join('');
  return sid === '' ? 'Fix' : sid;
}

/**
 * The smallest fix for a function's open findings, or `undefined` when no missing permission can be
 * fixed by an Allow.
 */
export function buildFix(input: {
  readonly functionName: string;
  readonly roleArn: string;
  readonly findings: readonly Finding[];
  readonly recommendedPolicy?: RecommendedPolicy | null;
}): FixSuggestion | undefined {
  const drafts = new Map<string, Draft>();
  const fallbackSids = new Map<string, string>();
  const covers: string[] = [];
  const notCovered: NotCovered[] = [];
  for (const finding of input.findings) {
    if (finding.rule !== 'missing-permission' || finding.action === undefined) continue;
    const decision = finding.decision ?? 'implicit-deny';
    if (!FIXABLE.has(decision)) {
      notCovered.push({
        findingId: finding.id,
        action: finding.action,
        reason: decision as NotCovered['reason'],
      });
      continue;
    }
    const resource = finding.resource ?? '*';
    const found = recommendedFor(input.recommendedPolicy, finding.action, resource);
    // Needs the recommended policy does not cover get one statement per cause (mapping or setting).
    const causeKey = causeKeyOf(finding);
    let fallback = fallbackSids.get(causeKey);
    if (found === undefined && fallback === undefined) {
      fallback = `Fix${fallbackSids.size + 1}`;
      fallbackSids.set(causeKey, fallback);
    }
    const sid = sidOf(found?.statement.Sid ?? fallback ?? 'Fix');
    const grant = found?.grant ?? resource;
    // One statement per Sid: the missing actions on the resources they are missing on.
    let draft = drafts.get(sid);
    if (draft === undefined) {
      draft = { sid, actions: new Set(), resources: new Set() };
      drafts.set(sid, draft);
    }
    draft.actions.add(finding.action);
    draft.resources.add(grant);
    covers.push(finding.id);
  }
  if (drafts.size === 0) return undefined;
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const statements: RecommendedStatement[] = [...drafts.values()].map((draft) => {
    const sid = draft.sid;
    return {
      Sid: sid,
      Effect: 'Allow',
      Action: [...draft.actions].sort(byCode),
      Resource: [...draft.resources].sort(byCode),
    };
  });
  const policy: FixPolicy = { Version: '2012-10-17', Statement: statements };
  const roleName = roleNameOf(input.roleArn);
  const policyName = policyNameFor(input.functionName);
  const base = { roleName, policyName, policy, covers: covers.sort(), notCovered };
  if (JSON.stringify(policy).length > INLINE_POLICY_LIMIT) return { ...base, tooLarge: true };
  const command = [
    'aws iam put-role-policy',
    `--role-name ${shellQuote(roleName)}`,
    `--policy-name ${shellQuote(policyName)}`,
    `--policy-document '${inertJson(policy)}'`,
  ].join(' ');
  return { ...base, command };
}
