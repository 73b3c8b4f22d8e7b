/** Small helpers the rules share for walking a role's policies. */
import type { PolicyStatement, SourcedDocument } from '../policy/document.js';
import type { RolePolicies } from '../policy/evaluation-types.js';
import { hasWildcard } from '../policy/match.js';
import type { FindingCause, Severity } from '../report.js';

export interface LocatedStatement {
  readonly source: string;
  readonly statement: PolicyStatement;
}

export function allDocuments(policies: RolePolicies): SourcedDocument[] {
  return policies.boundary === undefined ? [...policies.identity] : [...policies.identity, policies.boundary];
}

export function policyCause(located: LocatedStatement): FindingCause {
  return { kind: 'policy', policy: located.source, statement: located.statement.id };
}

/** `Statement[2] of inline policy main` / `statement ReadQueue of …` — how a person finds the statement. */
export function describeStatement(located: LocatedStatement): string {
  // Statements without a Sid are named by their index, as a JSON path would: Statement[0] is the first.
  const statement = isIndex(located.statement.id)
    ? `Statement[${located.statement.id}]`
    : `statement ${located.statement.id}`;
  return `${statement} of ${describePolicy(located.source)}`;
}

/** `/^\d+$/.test(id)` without a RegExp: this names the statements of every finding. */
function isIndex(id: string): boolean {
  if (id.length === 0) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function describePolicy(source: string): string {
  if (source.startsWith('inline:')) return `inline policy ${source.slice('inline:'.length)}`;
  if (source.startsWith('boundary:')) return `permissions boundary ${source.slice('boundary:'.length)}`;
  if (source.startsWith('trust:')) return `the trust policy of role ${source.slice('trust:'.length)}`;
  return `managed policy ${source}`;
}

/** `*` or `service:*`: the patterns `wildcard-action` reports. */
export function isServiceWildcard(pattern: string): boolean {
  if (pattern === '*') return true;
  // `/^[^:*?]+:\*$/` without a RegExp: a service part of no `:`, `*` or `?`, then `:*` (checked per character,
  // as this runs for every action name of every statement).
  const service = pattern.length - 2;
  if (
    service < 1 ||
    pattern.charCodeAt(service) !== 58 /* : */ ||
    pattern.charCodeAt(service + 1) !== 42 /* * */
  )
    return false;
  for (let i = 0; i < service; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 58 || c === 42 || c === 63) return false;
  }
  return true;
}

export { hasWildcard };

/** Lower the severity one step (for `conditional` and `unverifiable` decisions). */
export function lowerSeverity(severity: Severity): Severity {
  switch (severity) {
    case 'critical':
      return 'high';
    case 'high':
      return 'medium';
    case 'medium':
      return 'low';
    default:
      return 'info';
  }
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
