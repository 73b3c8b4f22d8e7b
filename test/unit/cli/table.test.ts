/**
 * The terminal table at 80 columns (and narrower, and wider): no line past the width, each finding told
 * from its neighbours on its first line, every ✓ a function the summary counts compliant, and account
 * values that cannot repaint the screen or forge a line. The demo account is rendered by the built CLI,
 * as a user at an 80-column terminal sees it.
 */

import { terminalText } from '../../../shared/cli/format/escape.js';
import { formatTable } from '../../../shared/cli/format/format-table.js';
import { createPaint } from '../../../shared/cli/format/terminal-colour.js';
import { displayWidth } from '../../../shared/cli/format/terminal-text.js';
import { wrap } from '../../../shared/cli/format/wrap.js';
import { finding, HOSTILE, QUEUE, report, result } from '../../support/report-builder.js';
import { runCli } from '../../support/run-cli.js';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Control characters other than the line feed, and the right-to-left override. */
function controls(text: string): string[] {
  return [...text].filter((ch) => {
    const code = ch.charCodeAt(0);
    return (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f) || code === 0x202e;
  });
}
const plain = createPaint(false);

function tooWide(text: string, width: number): string[] {
  return text
    .replace(ANSI, '')
    .split('\n')
    .filter((line) => displayWidth(line) > width);
}

describe('terminal table', () => {
  describe('the demo account at 80 columns, through the built CLI', () => {
    let table = '';
    let json: {
      summary: { compliant: number; functions: number };
      functions: { functionName: string; compliant: boolean; findings: unknown[] }[];
    };

    beforeAll(async () => {
      const args = ['audit', '--from', 'examples/demo-account', '--fail-on', 'none'];
      const [tableRun, jsonRun] = await Promise.all([
        runCli([...args, '--format', 'table']),
        runCli([...args, '--format', 'json']),
      ]);
      expect(tableRun.status).toBe(0);
      table = tableRun.stdout;
      json = JSON.parse(jsonRun.stdout);
    });

    it('has no line wider than 80 columns', () => {
      expect(tooWide(table, 80)).toEqual([]);
      expect(table.split('\n').length).toBeGreaterThan(50);
    });

    it('starts each finding with its action and resource, so that no two findings of a function look alike', () => {
      const firstLines = table
        .split('\n')
        .filter((line) => /^ {2}(CRITICAL|HIGH|MEDIUM|LOW|INFO) /.test(line));
      const findings = json.functions.reduce((sum, fn) => sum + fn.findings.length, 0);
      expect(firstLines).toHaveLength(findings);
      // Within one function, two findings never share their first line.
      const blocks = table.split('\n\n');
      for (const block of blocks) {
        const lines = block.split('\n').filter((line) => /^ {2}[A-Za-z]+ +\S/.test(line));
        expect(new Set(lines).size).toBe(lines.length);
      }
      expect(table).toContain('  MEDIUM     xray:PutTraceSegments on *');
      expect(table).toContain(
        '  HIGH       sqs:ReceiveMessage on arn:aws:sqs:eu-west-1:111122223333:payments',
      );
    });

    it('wraps the message and the fix under the finding', () => {
      const at = table.indexOf('  HIGH       sqs:ReceiveMessage on');
      const block = table.slice(at, table.indexOf('\n\n', at)).split('\n');
      expect(block[1]).toMatch(/^ {13}missing-permission: Lambda cannot receive messages/);
      expect(block.some((line) => /^ {13}Fix: Allow sqs:ReceiveMessage on/.test(line))).toBe(true);
    });

    it('marks as compliant exactly the functions the summary counts', () => {
      const headed = (table.match(/^✓ (?!compliant, nothing)/gm) ?? []).length;
      const listed = Number(table.match(/^✓ compliant, nothing to report \((\d+)\)/m)?.[1] ?? 0);
      const marked = headed + listed;
      expect(marked).toBe(json.summary.compliant);
      expect(table).toContain(
        `${json.summary.functions} functions: ${json.summary.functions - json.summary.compliant} not compliant, ${json.summary.compliant} compliant`,
      );
    });
  });

  it('counts the same compliant functions in the list and the summary when findings are suppressed', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'lra-table-')), 'suppressions.yaml');
    writeFileSync(file, 'suppressions:\n  - rule: overbroad-resource\n    reason: accepted\n');
    const args = ['audit', '--from', 'examples/demo-account', '--fail-on', 'none', '--suppressions', file];
    const [tableRun, jsonRun] = await Promise.all([
      runCli([...args, '--format', 'table']),
      runCli([...args, '--format', 'json']),
    ]);
    const compliant = JSON.parse(jsonRun.stdout).functions.filter(
      (fn: { compliant: boolean }) => fn.compliant,
    );
    const listed = Number(tableRun.stdout.match(/✓ compliant, nothing to report \((\d+)\)/)?.[1] ?? 0);
    const headed = (tableRun.stdout.match(/^✓ (?!compliant, nothing)/gm) ?? []).length;
    expect(listed + headed).toBe(compliant.length);
    expect(tableRun.stdout).toContain(`, ${compliant.length} compliant ·`);
    expect(tableRun.stdout).toMatch(/^✓ thumbnail-retry · role thumbnails-role/m);
    expect(tableRun.stdout).toContain('overbroad-resource, suppressed: accepted');
  });

  it.each([40, 60, 100, 160])('fits %i columns', (width) => {
    const text = formatTable(
      report([
        result('payments', [finding({}), finding({ id: 'f2', resource: HOSTILE.long })], {
          sharedWith: ['refunds', 'a', 'b', 'c', 'd', 'e', 'f'],
        }),
        result('orders', []),
      ]),
      createPaint(true),
      width,
    );
    expect(tooWide(text, width)).toEqual([]);
    expect(text).toContain('and 2 more');
  });

  it('adds colour after wrapping: the coloured table reads the same without its colour', () => {
    const table = report([result('payments', [finding({})]), result('orders', [])]);
    const coloured = formatTable(table, createPaint(true), 80);
    expect(coloured).toContain('\u001b[1;31mHIGH');
    expect(coloured.replace(ANSI, '')).toBe(formatTable(table, plain, 80));
  });

  it('puts the disabled mapping inside the sentence, and keeps the rest of the message for the JSON', () => {
    const text = formatTable(report([result('payments', [finding({})])]), plain, 200);
    expect(text).toContain(
      `missing-permission: The role does not allow sqs:DeleteMessage on ${QUEUE} (mapping disabled).`,
    );
    expect(text).not.toContain('It is needed by mapping uuid-1.');
    expect(text).toContain(`Fix: allow sqs:DeleteMessage on ${QUEUE} in the role's policy`);
  });

  it('prefers the engine remediation, and shows the template line of a finding', () => {
    const text = formatTable(
      report([
        result('payments', [
          finding({
            remediation: 'Add it to orders-policy.',
            template: { file: 'template.yaml', logicalId: 'Fn', line: 12 },
          }),
        ]),
      ]),
      plain,
    );
    expect(text).toContain('Fix: Add it to orders-policy.');
    expect(text).toContain('At: template.yaml:12 (Fn)');
  });

  it('shows a function that could not be audited as incomplete, never compliant', () => {
    const text = formatTable(
      report([result('refunds', [], { compliant: false })], {
        errors: [{ functionName: 'refunds', message: 'policy unreadable' }],
      }),
      plain,
      200,
    );
    expect(text).toMatch(/^✗ refunds/m);
    expect(text).toContain('  INCOMPLETE policy unreadable');
    expect(text).not.toContain('nothing to report');
    expect(text).toContain('1 not audited (incomplete, see the warnings on stderr)');
  });

  it('lets no account value repaint the screen, forge a line or run past the edge', () => {
    const hostile = report([
      result(
        HOSTILE.escape,
        [
          finding({
            action: HOSTILE.newline,
            resource: HOSTILE.long,
            message: `${HOSTILE.bidi} ${HOSTILE.wide}`,
            remediation: HOSTILE.escape,
          }),
          finding({ id: 'f2', suppressed: true, suppressionReason: HOSTILE.newline }),
        ],
        { sharedWith: [HOSTILE.escape], roleArn: `arn:aws:iam::123456789012:role/${HOSTILE.wide}` },
      ),
    ]);
    for (const paint of [plain, createPaint(true)]) {
      const text = formatTable(hostile, paint, 80);
      const withoutColour = text.replace(ANSI, '');
      expect(controls(withoutColour)).toEqual([]);
      expect(withoutColour).not.toMatch(/^ {2}CRITICAL +forged line/m);
      expect(tooWide(text, 80)).toEqual([]);
    }
  });
});

describe('wrapping', () => {
  it('breaks an ARN after its last separator that fits', () => {
    expect(wrap('arn:aws:sqs:eu-west-1:123456789012:orders-queue', 30)).toEqual([
      'arn:aws:sqs:eu-west-1:',
      '123456789012:orders-queue',
    ]);
  });

  it('counts wide characters as two columns and combining marks as none', () => {
    expect(displayWidth('注文')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(wrap('注文処理関数', 5)).toEqual(['注文', '処理', '関数']);
  });

  it('removes escape sequences whole and controls, keeping the text', () => {
    expect(terminalText('a\u001b[31mred\u001b[0m\u001b]8;;https://x\u0007link\u001b]8;;\u0007\nb')).toBe(
      'aredlink b',
    );
  });
});
