/**
 * `--format html`: the account at a glance, in one self-contained file. Functions are grouped by their
 * execution role; each has a small picture (function → role → what it reads from and writes to, red where
 * a permission is missing), its findings with the fix, and its recommended policy. Filters by severity and
 * rule work offline.
 *
 * Nothing is fetched when the page is viewed: the style and the script are inline, no font, image or
 * script comes from elsewhere, and a Content-Security-Policy meta tag admits only that one style and that
 * one script, by their SHA-256 (no `unsafe-inline`; inline `style` attributes are never written). Every
 * value from the account or the report goes through `htmlText`, once, where it is written.
 */
import { createHash } from 'node:crypto';
import type { Finding, FunctionResult, Report } from '../../domain/report.js';
import { SEVERITIES } from '../../domain/report.js';
import { RULE_METADATA } from '../../domain/rules/rule-metadata.js';
import type { FunctionSources, SourceLink } from './function-sources.js';
import { htmlText } from './html-text.js';
import { plainFix } from './plain-fix.js';
import { describeSource, roleName, sortFindings, suppressedCount, worstRank } from './report-facts.js';

export interface HtmlContext {
  /** Each function's event sources and targets (from the account snapshot), by function name. */
  readonly sources?: FunctionSources;
}

const STYLE = `
:root { color-scheme: light; --critical: #7a0010; --high: #c0152f; --medium: #b35c00; --low: #8a7a00;
  --info: #2b6cb0; --ok: #1f7a3a; --line: #c8ccd2; --muted: #5b6470; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1c2128; background: #f6f7f9; }
header, nav, main, footer { max-width: 1100px; margin: 0 auto; padding: 12px 20px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 0; }
h3 { font-size: 15px; margin: 0; display: flex; gap: 8px; align-items: baseline; }
code, pre, .arn { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.arn, .muted { color: var(--muted); overflow-wrap: anywhere; margin: 2px 0; }
.summary { font-weight: 600; }
nav { position: sticky; top: 0; background: #f6f7f9; border-bottom: 1px solid var(--line); z-index: 1; }
fieldset { display: inline-block; border: 1px solid var(--line); border-radius: 6px; margin: 4px 8px 4px 0; padding: 4px 10px; vertical-align: top; }
legend { font-weight: 600; padding: 0 4px; }
label { margin-right: 10px; white-space: nowrap; }
section.role { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 16px 0; padding: 12px 16px; }
article.function { border-top: 1px solid var(--line); margin-top: 12px; padding-top: 12px; }
.mark-bad { color: var(--high); }
.mark-ok { color: var(--ok); }
figure { margin: 8px 0; }
figcaption { color: var(--muted); font-size: 12px; }
svg { max-width: 100%; height: auto; }
svg .node rect { fill: #fff; stroke: #8a929c; stroke-width: 1.2; }
svg .node.function rect { fill: #eef3fb; }
svg .node.role rect { fill: #f3f0fa; }
svg .node.missing rect { stroke: var(--high); stroke-width: 2; fill: #fdecee; }
svg .node text { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; fill: #1c2128; }
svg .node text.kind { font: 10px system-ui, sans-serif; fill: var(--muted); }
svg .edge { stroke: #8a929c; stroke-width: 1.4; fill: none; }
svg .edge.missing { stroke: var(--high); stroke-width: 2.2; }
svg .edge.disabled { stroke-dasharray: 4 3; }
svg text.none { font: 12px system-ui, sans-serif; fill: var(--muted); }
ol.findings { list-style: none; padding: 0; margin: 8px 0; }
li.finding { border-left: 4px solid var(--line); padding: 4px 10px; margin: 6px 0; background: #fafbfc; }
li.finding p { margin: 2px 0; overflow-wrap: anywhere; }
li.sev-critical { border-color: var(--critical); }
li.sev-high { border-color: var(--high); }
li.sev-medium { border-color: var(--medium); }
li.sev-low { border-color: var(--low); }
li.sev-info { border-color: var(--info); }
li.finding.suppressed { opacity: 0.7; }
.badge { display: inline-block; min-width: 64px; font-size: 11px; font-weight: 700; text-transform: uppercase; color: #fff; border-radius: 3px; padding: 1px 6px; text-align: center; }
.badge.sev-critical { background: var(--critical); }
.badge.sev-high { background: var(--high); }
.badge.sev-medium { background: var(--medium); }
.badge.sev-low { background: var(--low); }
.badge.sev-info { background: var(--info); }
.badge.suppressed { background: var(--muted); }
details.policy pre { background: #f1f3f5; padding: 8px; overflow-x: auto; }
section.errors { border-color: var(--high); }
[hidden] { display: none !important; }
`;

const SCRIPT = `
(() => {
  const boxes = Array.from(document.querySelectorAll('#filters input[type="checkbox"]'));
  const findings = Array.from(document.querySelectorAll('li.finding'));
  const cards = Array.from(document.querySelectorAll('article.function'));
  const roles = Array.from(document.querySelectorAll('section.role'));
  const shown = document.getElementById('shown');
  const picked = (name) => new Set(boxes.filter((box) => box.name === name && box.checked).map((box) => box.value));
  const apply = () => {
    const severities = picked('severity');
    const rules = picked('rule');
    const show = picked('show');
    let count = 0;
    for (const item of findings) {
      const visible = severities.has(item.dataset.severity) && rules.has(item.dataset.rule) &&
        (show.has('suppressed') || item.dataset.suppressed !== 'true');
      item.hidden = !visible;
      if (visible) count += 1;
    }
    for (const card of cards) {
      const items = Array.from(card.querySelectorAll('li.finding'));
      card.hidden = items.length === 0 ? !show.has('clean') : !items.some((item) => !item.hidden);
    }
    for (const role of roles) {
      role.hidden = !Array.from(role.querySelectorAll('article.function')).some((card) => !card.hidden);
    }
    shown.textContent = count + ' of ' + findings.length + ' findings shown';
  };
  for (const box of boxes) box.addEventListener('change', apply);
  apply();
})();
`;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

/** The page's Content-Security-Policy: nothing but its own inline style and script, by hash. */
export const HTML_CSP = `default-src 'none'; style-src '${`sha256-${sha256(STYLE)}`}'; script-src '${`sha256-${sha256(SCRIPT)}`}'; img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'`;

const DOCS = new Map(RULE_METADATA.map((rule) => [rule.id, rule.docsUrl]));

export function formatHtml(report: Report, context: HtmlContext = {}): string {
  const byRole = new Map<string, FunctionResult[]>();
  for (const result of report.functions) {
    const list = byRole.get(result.roleArn) ?? [];
    list.push(result);
    byRole.set(result.roleArn, list);
  }
  const byWorst = (a: FunctionResult, b: FunctionResult): number =>
    worstRank(a) - worstRank(b) || a.functionName.localeCompare(b.functionName);
  const roles = [...byRole.entries()]
    .map(([roleArn, functions]) => ({ roleArn, functions: functions.sort(byWorst) }))
    .sort(
      (a, b) =>
        byWorst(a.functions[0] as FunctionResult, b.functions[0] as FunctionResult) ||
        a.roleArn.localeCompare(b.roleArn),
    );

  const source = describeSource(report);
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${htmlText(HTML_CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>lambda-role-audit · ${htmlText(source)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...header(report, source),
    ...filters(report),
    '<main>',
    ...problems(report),
  ];
  let index = 0;
  for (const { roleArn, functions } of roles) {
    out.push(`<section class="role" data-role="${htmlText(roleArn)}">`);
    out.push(`<h2>Role ${htmlText(roleName(roleArn))}</h2>`, `<p class="arn">${htmlText(roleArn)}</p>`);
    for (const result of functions) {
      index += 1;
      out.push(...functionCard(result, index, context.sources?.get(result.functionName) ?? []));
    }
    out.push('</section>');
  }
  out.push(
    '</main>',
    `<footer class="muted">${htmlText(report.tool ? `${report.tool.name} ${report.tool.version}` : 'lambda-role-audit')} · report schema version ${htmlText(report.schemaVersion)}</footer>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
  );
  return `${out.join('\n')}\n`;
}

function header(report: Report, source: string): string[] {
  const { functions, compliant } = report.summary;
  const counts = SEVERITIES.flatMap((severity) => {
    const count = report.summary.findings[severity] ?? 0;
    return count > 0 ? [`${count} ${severity}`] : [];
  });
  const suppressed = suppressedCount(report);
  if (suppressed > 0) counts.push(`${suppressed} suppressed`);
  return [
    '<header>',
    '<h1>Lambda execution role audit</h1>',
    `<p class="muted">${htmlText(source)} · generated ${htmlText(report.generatedAt)}</p>`,
    `<p class="summary" id="summary">${compliant} of ${functions} functions compliant${counts.map((count) => ` · ${htmlText(count)}`).join('')}</p>`,
    '</header>',
  ];
}

function filters(report: Report): string[] {
  const findings = report.functions.flatMap((result) => result.findings);
  const bySeverity = (severity: string) => findings.filter((finding) => finding.severity === severity).length;
  const rules = [...new Set(findings.map((finding) => finding.rule))].sort();
  const box = (name: string, value: string, text: string): string =>
    `<label><input type="checkbox" name="${name}" value="${htmlText(value)}" checked> ${htmlText(text)}</label>`;
  return [
    '<nav id="filters" aria-label="Filters">',
    '<fieldset><legend>Severity</legend>',
    ...SEVERITIES.map((severity) => box('severity', severity, `${severity} (${bySeverity(severity)})`)),
    '</fieldset>',
    '<fieldset><legend>Rule</legend>',
    ...rules.map((rule) => box('rule', rule, `${rule} (${findings.filter((f) => f.rule === rule).length})`)),
    '</fieldset>',
    '<fieldset><legend>Show</legend>',
    box('show', 'suppressed', 'suppressed findings'),
    box('show', 'clean', 'functions with nothing to report'),
    '</fieldset>',
    `<p id="shown" aria-live="polite">${findings.length} of ${findings.length} findings shown</p>`,
    '</nav>',
  ];
}

function problems(report: Report): string[] {
  const errors = report.errors ?? [];
  const warnings = report.warnings ?? [];
  if (errors.length === 0 && warnings.length === 0) return [];
  const item = (entry: { functionName?: string; message: string }): string =>
    `<li>${entry.functionName ? `<strong>${htmlText(entry.functionName)}</strong>: ` : ''}${htmlText(entry.message)}</li>`;
  return [
    '<section class="role errors">',
    ...(errors.length > 0
      ? ['<h2>Not audited: the audit is incomplete</h2>', '<ul>', ...errors.map(item), '</ul>']
      : []),
    ...(warnings.length > 0 ? ['<h2>Warnings</h2>', '<ul>', ...warnings.map(item), '</ul>'] : []),
    '</section>',
  ];
}

function functionCard(result: FunctionResult, index: number, links: readonly SourceLink[]): string[] {
  const mark = result.compliant
    ? '<span class="mark-ok" title="compliant">✓</span>'
    : '<span class="mark-bad" title="not compliant">✗</span>';
  const shared =
    result.sharedWith && result.sharedWith.length > 0
      ? [
          `<p class="muted">Role shared with ${result.sharedWith.map((name) => htmlText(name)).join(', ')}</p>`,
        ]
      : [];
  const out = [
    `<article class="function" id="function-${index}" data-compliant="${result.compliant}">`,
    `<h3>${mark} ${htmlText(result.functionName)}</h3>`,
    `<p class="arn">${htmlText(result.functionArn)}</p>`,
    ...shared,
    '<figure class="picture">',
    picture(result, links),
    '<figcaption>Function → role → what Lambda reads from and writes to with it; red: a permission is missing, dashed: the mapping is not enabled.</figcaption>',
    '</figure>',
  ];
  if (result.findings.length > 0) {
    out.push('<ol class="findings">', ...sortFindings(result.findings).map(findingItem), '</ol>');
  } else {
    out.push('<p class="muted">Nothing to report.</p>');
  }
  if (result.recommendedPolicy) {
    out.push(
      '<details class="policy"><summary>Recommended policy (grants what this function needs, and nothing else)</summary>',
      `<pre>${htmlText(JSON.stringify(result.recommendedPolicy, null, 2))}</pre>`,
      '</details>',
    );
  }
  out.push('</article>');
  return out;
}

function findingItem(finding: Finding): string {
  const suppressed = finding.suppressed === true;
  const what = [
    finding.action ? `<code>${htmlText(finding.action)}</code>` : '',
    finding.resource ? `on <code>${htmlText(finding.resource)}</code>` : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
  const docs = DOCS.get(finding.rule);
  const lines = [
    `<li class="finding sev-${htmlText(finding.severity)}${suppressed ? ' suppressed' : ''}" data-severity="${htmlText(finding.severity)}" data-rule="${htmlText(finding.rule)}" data-suppressed="${suppressed}">`,
    `<p><span class="badge ${suppressed ? 'suppressed' : `sev-${htmlText(finding.severity)}`}">${htmlText(finding.severity)}</span> <code>${htmlText(finding.rule)}</code> ${what}</p>`,
    `<p>${htmlText(finding.message)}</p>`,
    `<p><strong>Fix:</strong> ${htmlText(plainFix(finding))}${docs ? ` <a href="${htmlText(docs)}" rel="noreferrer noopener">AWS documentation</a>` : ''}</p>`,
  ];
  if (suppressed) {
    lines.push(
      `<p class="muted">Suppressed${finding.suppressionReason ? `: ${htmlText(finding.suppressionReason)}` : ''}</p>`,
    );
  } else if (finding.suppressionRefused) {
    lines.push(`<p class="muted">Not suppressed: ${htmlText(finding.suppressionRefused)}</p>`);
  }
  lines.push('</li>');
  return lines.join('\n');
}

/** Whether an unsuppressed missing-permission finding comes from this link. */
function isMissing(link: SourceLink, findings: readonly Finding[]): boolean {
  return findings.some((finding) => {
    if (finding.rule !== 'missing-permission' || finding.suppressed === true) return false;
    const cause = finding.cause;
    if (cause?.kind === 'event-source-mapping') return link.uuid !== undefined && cause.uuid === link.uuid;
    if (cause?.kind === 'function-configuration') {
      return link.setting !== undefined && cause.setting.startsWith(link.setting);
    }
    return false;
  });
}

/** Settings other than the drawn targets whose permissions are missing (logs, tracing, VPC…). */
function missingSettings(findings: readonly Finding[], links: readonly SourceLink[]): string[] {
  const settings = new Set<string>();
  for (const finding of findings) {
    if (finding.rule !== 'missing-permission' || finding.suppressed === true) continue;
    if (finding.cause?.kind !== 'function-configuration') continue;
    const setting = finding.cause.setting;
    if (links.some((link) => link.setting !== undefined && setting.startsWith(link.setting))) continue;
    settings.add(setting);
  }
  return [...settings].sort();
}

/** At most `max` characters, the middle cut: names differ at their ends as often as at their starts. */
function shorten(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (max - 1 - head)).join('')}`;
}

const KIND_LABEL: Readonly<Record<SourceLink['kind'], string>> = {
  'event-source-mapping': 'reads from',
  'dead-letter': 'dead-letter',
  'on-success': 'on success',
  'on-failure': 'on failure',
};

interface Node {
  readonly kind: string;
  readonly label: string;
  readonly title: string;
  readonly missing: boolean;
  readonly disabled: boolean;
}

function picture(result: FunctionResult, links: readonly SourceLink[]): string {
  const roleMissing = result.findings.some((f) => f.rule === 'role-unavailable' && f.suppressed !== true);
  const nodes: Node[] = [
    ...links.map((link) => ({
      kind: `${link.service ? `${link.service} · ` : ''}${KIND_LABEL[link.kind]}`,
      label: link.label,
      title: `${KIND_LABEL[link.kind]}: ${link.target || link.label}${link.state ? ` (${link.state})` : ''}`,
      missing: isMissing(link, result.findings),
      disabled: link.state !== undefined && link.state !== 'Enabled',
    })),
    ...missingSettings(result.findings, links).map((setting) => ({
      kind: 'configuration',
      label: setting,
      title: `function configuration ${setting}`,
      missing: true,
      disabled: false,
    })),
  ];
  const rowHeight = 40;
  const rows = Math.max(1, nodes.length);
  const height = rows * rowHeight + 8;
  const middle = height / 2;
  const box = (
    x: number,
    y: number,
    width: number,
    kind: string,
    label: string,
    title: string,
    classes: string,
  ) =>
    `<g class="node ${classes}"><title>${htmlText(title)}</title><rect x="${x}" y="${y}" width="${width}" height="32" rx="5"></rect>` +
    `<text class="kind" x="${x + 8}" y="${y + 12}">${htmlText(kind)}</text>` +
    `<text x="${x + 8}" y="${y + 26}">${htmlText(shorten(label, Math.floor((width - 14) / 7.3)))}</text></g>`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 ${height}" width="720" height="${height}" role="img" aria-label="${htmlText(`${result.functionName}: ${nodes.length} event sources and targets, ${nodes.filter((node) => node.missing).length} with a missing permission`)}">`,
    `<path class="edge${roleMissing ? ' missing' : ''}" d="M 200 ${middle} L 250 ${middle}"></path>`,
  ];
  nodes.forEach((node, row) => {
    const y = 4 + row * rowHeight + 16;
    parts.push(
      `<path class="edge${node.missing ? ' missing' : ''}${node.disabled ? ' disabled' : ''}" d="M 450 ${middle} C 475 ${middle}, 475 ${y}, 500 ${y}"></path>`,
    );
  });
  parts.push(box(4, middle - 16, 196, 'function', result.functionName, result.functionArn, 'function'));
  parts.push(
    box(
      250,
      middle - 16,
      200,
      roleMissing ? 'role · unavailable' : 'role',
      roleName(result.roleArn),
      result.roleArn,
      `role${roleMissing ? ' missing' : ''}`,
    ),
  );
  nodes.forEach((node, row) => {
    const y = 4 + row * rowHeight;
    parts.push(
      box(500, y, 216, node.kind, node.label, node.title, `source${node.missing ? ' missing' : ''}`),
    );
  });
  if (nodes.length === 0)
    parts.push(`<text class="none" x="500" y="${middle + 4}">no event source or destination</text>`);
  parts.push('</svg>');
  return parts.join('');
}
