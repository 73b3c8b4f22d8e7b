import { EXIT, exitStatus, parseFailOn } from '../../../shared/cli/exit-status.js';
import { formatMarkdown } from '../../../shared/cli/format/format-markdown.js';
import { wantsColour } from '../../../shared/cli/format/terminal-colour.js';
import { InputError } from '../../../shared/domain/errors.js';
import { finding, QUEUE, report, result } from '../../support/report-builder.js';

const recommendedPolicy = {
  Version: '2012-10-17' as const,
  Statement: [{ Sid: 'Sqs', Effect: 'Allow' as const, Action: ['sqs:DeleteMessage'], Resource: [QUEUE] }],
};

describe('exit status', () => {
  const withHigh = report([result('orders', [finding({})])]);
  const withLow = report([result('orders', [finding({ severity: 'low', rule: 'overbroad-resource' })])]);

  it('is 1 when an unsuppressed finding is at or above --fail-on (default high)', () => {
    expect(exitStatus(withHigh, parseFailOn(undefined))).toBe(EXIT.findings);
    expect(exitStatus(withLow, parseFailOn('low'))).toBe(EXIT.findings);
  });

  it('is 0 when findings stay below --fail-on, or with --fail-on none', () => {
    expect(exitStatus(withLow, parseFailOn('high'))).toBe(EXIT.ok);
    expect(exitStatus(withHigh, parseFailOn('critical'))).toBe(EXIT.ok);
    expect(exitStatus(withHigh, parseFailOn('none'))).toBe(EXIT.ok);
  });

  it('ignores suppressed findings', () => {
    const suppressed = report([
      result('orders', [finding({ suppressed: true, suppressionReason: 'known' })]),
    ]);
    expect(exitStatus(suppressed, 'info')).toBe(EXIT.ok);
  });

  it('is 3 when some function could not be audited, even with findings', () => {
    const incomplete = report([result('orders', [finding({})])], {
      errors: [{ functionName: 'payments', message: 'policy unreadable' }],
    });
    expect(exitStatus(incomplete, 'high')).toBe(EXIT.incomplete);
    expect(exitStatus(incomplete, 'none')).toBe(EXIT.incomplete);
  });

  it('rejects an unknown --fail-on level, naming the accepted ones', () => {
    expect(() => parseFailOn('severe')).toThrow(InputError);
    expect(() => parseFailOn('severe')).toThrow(/critical, high, medium, low, info, none/);
  });
});

describe('colour', () => {
  it('is on for a terminal and off for a pipe', () => {
    expect(wantsColour({}, true)).toBe(true);
    expect(wantsColour({}, false)).toBe(false);
  });

  it('follows NO_COLOR, FORCE_COLOR and TERM=dumb', () => {
    expect(wantsColour({ NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColour({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColour({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(wantsColour({ TERM: 'dumb' }, true)).toBe(false);
  });
});

describe('markdown format', () => {
  const markdown = formatMarkdown(
    report([
      result('payments', [finding({ message: 'Grants sqs:* | on *' })], { recommendedPolicy }),
      result('orders', []),
    ]),
  );

  it('states the totals, leaving out severities with no finding', () => {
    expect(markdown).toContain('**1 of 2 functions compliant** · 1 high\n');
  });

  it('starts with a summary table of every function', () => {
    expect(markdown).toContain('| Function | Role | Compliant | Findings |');
    expect(markdown).toContain('| `payments` | `orders-role` | ❌ | 1 high |');
    expect(markdown).toContain('| `orders` | `orders-role` | ✅ | — |');
  });

  it('has a section per function with findings, its fix, and the recommended policy as JSON', () => {
    expect(markdown).toContain('### payments');
    expect(markdown).toContain('```json\n{\n  "Version": "2012-10-17"');
    expect(markdown).not.toContain('### orders');
  });

  it('escapes table cells so that pipes and asterisks stay text', () => {
    expect(markdown).toContain('Grants sqs:\\* \\| on \\*');
  });
  it('says beside the fix when a suppress tag was refused, and shows who suppressed what', () => {
    const refused = 'the suppress tag may hide findings up to medium; this one is high';
    const text = formatMarkdown(
      report([
        result('payments', [
          finding({ suppressionRefused: refused }),
          finding({
            id: 'f2',
            rule: 'overbroad-resource',
            severity: 'low',
            suppressed: true,
            suppressionReason: 'suppressed by the tag on role orders-role',
          }),
        ]),
      ]),
    );
    expect(text).toContain(`Note: ${refused} |`);
    expect(text).toContain('| ~~low~~ suppressed | `overbroad-resource` |');
    expect(text).toContain('suppressed: suppressed by the tag on role orders-role |');
  });
});
