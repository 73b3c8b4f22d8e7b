/**
 * What every medium says about an alert, before any medium's markup: the headline, one line per cause,
 * what works again (and how long it was broken, and who fixed it), what changed, the smallest fix, the
 * links and the per-finding detail. Email, Slack and Chatbot render this view, each through its own
 * escaping (rich-text.ts), so that they never disagree about what happened.
 */

import type { Finding, FunctionResult } from '../domain/report.js';
import {
  type ChangeSummary,
  changeTime,
  type FindingSummary,
  type FunctionAlertDocument,
} from './alert-document.js';
import { appendTo } from './collections.js';
import type { FixSuggestion } from './fix.js';
import {
  type CauseGroup,
  type FindingLike,
  fixedLine,
  groupCauses,
  impactSentence,
  shortPolicyName,
  type Tense,
} from './impact.js';
import { type ConsoleLink, cloudTrailEventLink, functionLink, roleLink, stackLink } from './links.js';
import { type Piece, type Rich, v, valueList } from './rich-text.js';

export type AlertKind = 'break' | 'fixed' | 'exposure';

export interface ProblemLine {
  readonly group: CauseGroup<Finding>;
  readonly tense: Tense;
  /** Open since an earlier alert (not new in this one). */
  readonly stillOpen: boolean;
}

export interface FunctionAlertView {
  readonly kind: AlertKind;
  readonly functionName: string;
  /** The first line: what stopped working (or works again), worst first, "+N more". */
  readonly headline: Rich;
  /** The same, short enough for a subject: without the parenthesised mapping id. */
  readonly shortHeadline: Rich;
  /** New problems first, then those still open. */
  readonly problems: readonly ProblemLine[];
  /** What works again, one sentence per group; with `fixedNote` ("14 min after the break, fixed by jane"). */
  readonly worksAgain: readonly Rich[];
  /** The same groups as lines: "SQS mapping on orders-queue: sqs:ReceiveMessage allowed again". */
  readonly fixedLines: readonly Rich[];
  readonly fixedNote?: Rich;
  /** Findings resolved that do not make anything work again (excess access that went away), counted. */
  readonly alsoResolved: readonly FindingSummary[];
  readonly changes: readonly ChangeSummary[];
  readonly fix?: FixSuggestion;
  /** Findings the fix cannot cover (a Deny, the boundary, an unverifiable need), in words. */
  readonly notCovered: readonly Rich[];
  readonly stackHint?: Rich;
  readonly sharedNote?: Rich;
  readonly links: readonly ConsoleLink[];
  readonly severity: string;
}

const RANK: Readonly<Record<string, number>> = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };

/** "jane" for an assumed-role session or a user; the service for a service; the ARN otherwise. */
export function shortActor(actor: string): string {
  const assumed = actor.indexOf(':assumed-role/');
  if (assumed >= 0) {
    const rest = actor.slice(assumed + ':assumed-role/'.length);
    const slash = rest.indexOf('/');
    return slash >= 0 && slash < rest.length - 1 ? rest.slice(slash + 1) : rest;
  }
  const user = actor.indexOf(':user/');
  if (user >= 0) return actor.slice(actor.lastIndexOf('/') + 1);
  if (actor.endsWith(':root')) return 'root';
  return actor;
}

/** "2026-12-02 05:43 UTC" for an ISO time; the text itself when it is not one. */
export function formatTime(time: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) return time;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "14 min", "2 h 5 min", "3 days", "moments". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 60_000) return 'moments';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

function worstSeverity(findings: readonly { severity: string }[]): string {
  let best = 'info';
  for (const f of findings) if ((RANK[f.severity] ?? 0) > (RANK[best] ?? 0)) best = f.severity;
  return best;
}

/** Whether a group's mapping was created by one of the changes, or the function itself was. */
function tenseFor(group: CauseGroup, document: FunctionAlertDocument): Tense {
  for (const change of document.changes) {
    if (change.action === 'CreateFunction' && change.functionArn === document.function.arn) return 'never';
    if (
      change.action === 'CreateEventSourceMapping' &&
      group.mappingUuid !== undefined &&
      change.mappingUuid === group.mappingUuid
    )
      return 'never';
  }
  return 'lost';
}

/** Removes the parenthesised mapping id ("(mapping 7a3c…)") from a sentence, for the subject. */
function withoutMappingId(sentence: Rich): Rich {
  const out: Piece[] = [];
  for (let i = 0; i < sentence.length; i += 1) {
    const piece = sentence[i];
    if (typeof piece === 'string' && (piece.endsWith('(mapping ') || piece.endsWith('(new mapping '))) {
      const cut = piece.lastIndexOf(' (');
      out.push(piece.slice(0, cut));
      i += 2; // the id and ")"
      continue;
    }
    if (piece !== undefined) out.push(piece);
  }
  return out;
}

function plus(sentence: Rich, more: number): Rich {
  return more > 0 ? [...sentence, ` +${more} more`] : sentence;
}

function mappingUuidOf(findings: readonly FindingLike[]): string | undefined {
  for (const f of findings) if (f.cause?.kind === 'event-source-mapping') return f.cause.uuid;
  return undefined;
}

export function functionAlertView(document: FunctionAlertDocument): FunctionAlertView {
  const result: FunctionResult | undefined = document.report.functions[0];
  const open = result?.findings ?? [];
  const name = document.function.name;
  const roleArn = document.function.roleArn;
  const newIds = new Set(document.newFindingIds);

  const openGroups = groupCauses(open, roleArn);
  const problems: ProblemLine[] = openGroups
    .map((group) => ({
      group,
      tense: tenseFor(group, document),
      stillOpen: !group.findings.some((f) => newIds.has(f.id)),
    }))
    .sort((a, b) => Number(a.stillOpen) - Number(b.stillOpen));
  const fresh = problems.filter((p) => !p.stillOpen);

  // Resolved findings: groups that no open finding keeps open work again; the rest were partial.
  const openKeys = new Set(openGroups.map((g) => g.key));
  const resolvedGroups = groupCauses(document.resolvedFindings, roleArn).filter((g) => !openKeys.has(g.key));
  const againGroups = resolvedGroups.filter((g) => g.breaks);
  const alsoResolved = [
    ...resolvedGroups.filter((g) => !g.breaks).flatMap((g) => g.findings),
    ...document.resolvedFindings.filter((f) => openKeys.has(groupCauses([f], roleArn)[0]?.key ?? '')),
  ];
  const worksAgain = againGroups.map((g) => impactSentence(name, g, 'again'));
  const fixedLines = againGroups.map((g) => fixedLine(g));

  let fixedNote: Rich | undefined;
  if (againGroups.length > 0) {
    const fixedAt = Date.parse(changeTime(document.changes, document.report.generatedAt));
    const opened = againGroups
      .flatMap((g) => g.findings.map((f) => (f.openedAt ? Date.parse(f.openedAt) : Number.NaN)))
      .filter((t) => !Number.isNaN(t));
    const since = opened.length > 0 ? Math.min(...opened) : Number.NaN;
    const latest = [...document.changes].sort((a, b) => (a.eventTime < b.eventTime ? 1 : -1))[0];
    const parts: Piece[] = [];
    if (!Number.isNaN(since) && !Number.isNaN(fixedAt))
      parts.push(`${formatDuration(fixedAt - since)} after the break`);
    if (latest) parts.push(...(parts.length > 0 ? [', '] : []), 'fixed by ', v(shortActor(latest.actor)));
    else parts.push(...(parts.length > 0 ? [', '] : []), 'found by the scheduled audit');
    fixedNote = parts;
  }

  // The headline is the worst news: something that broke, else something that works again, else
  // access that grew (or shrank).
  const breaking = fresh.filter((p) => p.group.breaks);
  let kind: AlertKind;
  let first: Rich;
  let short: Rich;
  if (breaking.length > 0) {
    kind = 'break';
    const lead = breaking[0] as ProblemLine;
    const sentence = impactSentence(name, lead.group, lead.tense);
    first = plus(sentence, fresh.length - 1);
    short = plus(withoutMappingId(sentence), fresh.length - 1);
  } else if (worksAgain.length > 0) {
    kind = 'fixed';
    const sentence = worksAgain[0] as Rich;
    first = [...plus(sentence, worksAgain.length - 1), ...(fixedNote ? [', ', ...fixedNote] : [])];
    short = plus(sentence, worksAgain.length - 1);
  } else if (fresh.length > 0) {
    kind = 'exposure';
    const lead = fresh[0] as ProblemLine;
    const sentence = impactSentence(name, lead.group, lead.tense);
    first = plus(sentence, fresh.length - 1);
    short = plus(withoutMappingId(sentence), fresh.length - 1);
  } else {
    kind = 'fixed';
    const count = document.resolvedFindings.length;
    first = [v(name), `: ${count} finding${count === 1 ? '' : 's'} resolved`];
    short = first;
  }

  const fix = document.fix;
  const notCovered: Rich[] = [];
  const byReason = new Map<string, string[]>();
  for (const item of fix?.notCovered ?? collectNotCovered(open)) {
    if (item.action === undefined) continue;
    appendTo(byReason, item.reason, item.action);
  }
  for (const [reason, actions] of byReason) {
    const list = valueList([...new Set(actions)].sort());
    const why =
      reason === 'explicit-deny'
        ? ': a Deny statement blocks them; an Allow cannot help (remove or narrow the Deny, see details)'
        : reason === 'boundary'
          ? ': the permissions boundary must allow them too (change the boundary policy, see details)'
          : ': not verifiable from the configuration; grant them only if the source needs them (see details)';
    notCovered.push([...list, why]);
  }

  const stackName = document.function.stackName;
  // Said wherever something is to change on the role; a fixed notice has nothing to change.
  const stackHint: Rich | undefined =
    stackName === undefined || fresh.length === 0
      ? undefined
      : [
          v(name),
          ' comes from CloudFormation stack ',
          v(stackName),
          fix?.command
            ? ': the next deployment can undo a change made by hand, so add the statement to the role in the template too (CDK: addToRolePolicy on the function; SAM: its Policies).'
            : ': the next deployment can undo a change made by hand, so change the role in the template too.',
        ];

  const shared = result?.sharedWith ?? [];
  const sharedNote: Rich | undefined =
    shared.length === 0
      ? undefined
      : [
          'The role also serves ',
          ...(shared.length === 1 ? [] : [`${shared.length} other functions: `]),
          ...shared.slice(0, 5).flatMap((n, i) => [...(i > 0 ? [', '] : []), v(n)]),
          ...(shared.length > 5 ? [` +${shared.length - 5} more`] : []),
          '; the fix grants them the same.',
        ];

  const links: ConsoleLink[] = [];
  const fnLink = functionLink(document.function.arn);
  if (fnLink) links.push(fnLink);
  const rLink = roleLink(roleArn);
  if (rLink) links.push(rLink);
  if (mappingUuidOf([...open, ...document.resolvedFindings]) !== undefined) {
    const mapping = functionLink(document.function.arn, 'configure');
    if (mapping) links.push(mapping);
  }
  const latest = [...document.changes].sort((a, b) => (a.eventTime < b.eventTime ? 1 : -1))[0];
  const event = cloudTrailEventLink(latest?.eventId, latest?.region);
  if (event) links.push(event);
  if (stackName !== undefined) {
    const stack = stackLink(stackName, document.function.arn);
    if (stack) links.push(stack);
  }

  return {
    kind,
    functionName: name,
    headline: first,
    shortHeadline: short,
    problems,
    worksAgain,
    fixedLines,
    ...(fixedNote ? { fixedNote } : {}),
    alsoResolved,
    changes: document.changes,
    ...(fix ? { fix } : {}),
    notCovered,
    ...(stackHint ? { stackHint } : {}),
    ...(sharedNote ? { sharedNote } : {}),
    links,
    severity: worstSeverity([...open, ...document.resolvedFindings]),
  };
}

function collectNotCovered(open: readonly Finding[]) {
  return open
    .filter(
      (f) =>
        f.rule === 'missing-permission' &&
        f.action !== undefined &&
        (f.decision === 'explicit-deny' || f.decision === 'boundary' || f.decision === 'unverifiable'),
    )
    .map((f) => ({
      findingId: f.id,
      ...(f.action === undefined ? {} : { action: f.action }),
      reason: f.decision as 'explicit-deny' | 'boundary' | 'unverifiable',
    }));
}

/** "Changed by jane at 2026-12-02 05:43 UTC: <summary>" */
export function changeLine(change: ChangeSummary): Rich {
  return [
    'Changed by ',
    v(shortActor(change.actor)),
    ` at ${formatTime(change.eventTime)}: `,
    v(change.summary),
  ];
}

/** The AWS documentation link a finding's remediation ends with, if any. */
export function docsLinkOf(remediation: string | undefined): string | undefined {
  if (remediation === undefined) return undefined;
  const at = remediation.lastIndexOf(' https://docs.aws.amazon.com/');
  const start = at >= 0 ? at + 1 : remediation.startsWith('https://docs.aws.amazon.com/') ? 0 : -1;
  if (start < 0) return undefined;
  const url = remediation.slice(start).trim();
  return /^https:\/\/docs\.aws\.amazon\.com\/[A-Za-z0-9/_.#-]*$/.test(url) ? url : undefined;
}

/** What the decision of a missing permission means, in words. */
export function decisionWords(decision: string | undefined): string {
  switch (decision) {
    case 'explicit-deny':
      return 'a Deny statement blocks it';
    case 'boundary':
      return 'the permissions boundary does not allow it';
    case 'conditional':
      return 'only a statement with an undecidable condition allows it';
    case 'unverifiable':
      return 'whether it is needed cannot be told from the configuration';
    default:
      return 'no statement of the role allows it';
  }
}

export { shortPolicyName };
