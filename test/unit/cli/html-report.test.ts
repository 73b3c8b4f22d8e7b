/**
 * `--format html` as text: one escaping function for every account value, a page that can load nothing
 * (a CSP of hashes only, no external reference), and the parts the page promises. What a browser does with
 * it (filters, the picture, no console error, no request) is test/integration/html-report.browser.test.ts.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { formatHtml, HTML_CSP } from '../../../shared/cli/format/format-html.js';
import { functionSources, resourceLabel } from '../../../shared/cli/format/function-sources.js';
import { htmlText } from '../../../shared/cli/format/html-text.js';
import type { AccountSnapshot } from '../../../shared/domain/model.js';
import { finding, HOSTILE, QUEUE, report, result } from '../../support/report-builder.js';
import { projectRoot, runCli } from '../../support/run-cli.js';

/** Hostile values for the HTML medium: tags, attribute breaks, the style and script ends, controls. */
const ATTACKS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</style><script>alert(1)</script>',
  '</script><script>alert(1)</script>',
  '<!--',
  ']]><svg onload=alert(1)>',
  'a\u0000b\u0007c\u001b[31md\u007fe\u0085f',
  HOSTILE.bidi,
  HOSTILE.html,
  HOSTILE.escape,
];

/** The page's tags with their attribute values emptied (they are always double-quoted, their quotes escaped). */
const ownTags = (html: string): string[] =>
  (html.match(/<[A-Za-z][^>]*>/g) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));

const OWN_TAGS = [
  '<a',
  '<article',
  '<body',
  '<code',
  '<details',
  '<fieldset',
  '<figcaption',
  '<figure',
  '<footer',
  '<g',
  '<h1',
  '<h2',
  '<h3',
  '<head',
  '<header',
  '<html',
  '<input',
  '<label',
  '<legend',
  '<li',
  '<main',
  '<meta',
  '<nav',
  '<ol',
  '<p',
  '<path',
  '<pre',
  '<rect',
  '<script',
  '<section',
  '<span',
  '<strong',
  '<style',
  '<summary',
  '<svg',
  '<text',
  '<title',
  '<ul',
].sort();

describe("htmlText, the HTML report's one escaping function", () => {
  it.each([
    ['<b>', '&lt;b&gt;'],
    ['a & b', 'a &amp; b'],
    ['"x"', '&quot;x&quot;'],
    ["it's", 'it&#39;s'],
    ['</style>', '&lt;/style&gt;'],
    ['bell\u0007 esc\u001b del\u007f c1\u0085 nul\u0000', 'bell esc del c1 nul'],
    ['abc\u202edcba\u200b\ufeff', 'abcdcba'],
    ['line\nbreak\ttab', 'line\nbreak\ttab'],
    ['注文 émoji 🙂', '注文 émoji 🙂'],
  ])('writes %j as %j', (input, output) => {
    expect(htmlText(input)).toBe(output);
  });

  it('leaves no character that could open a tag or leave an attribute', () => {
    for (const attack of ATTACKS) expect(htmlText(attack)).not.toMatch(/[<>"']/);
  });
});

describe('the HTML report', () => {
  const hostileReport = report(
    ATTACKS.map((attack, index) =>
      result(
        `fn${index}${attack}`,
        [
          finding({
            message: `message ${attack}`,
            action: `sqs:${attack}`,
            resource: `${QUEUE}${attack}`,
            remediation: `fix ${attack}`,
            suppressed: index % 2 === 0,
            suppressionReason: `reason ${attack}`,
          }),
        ],
        {
          roleArn: `arn:aws:iam::123456789012:role/${attack}`,
          sharedWith: [`other${attack}`],
          recommendedPolicy: {
            Version: '2012-10-17',
            Statement: [
              { Sid: 'S', Effect: 'Allow', Action: ['sqs:ReceiveMessage'], Resource: [`${QUEUE}${attack}`] },
            ],
          },
        },
      ),
    ),
    {
      source: { kind: 'export', path: `/tmp/${ATTACKS[0]}` },
      errors: [{ functionName: ATTACKS[1], message: `cannot read ${ATTACKS[3]}` }],
      warnings: [{ message: `odd ${ATTACKS[4]}` }],
    },
  );
  const sources = new Map(
    hostileReport.functions.map((fn, index) => [
      fn.functionName,
      [
        {
          kind: 'event-source-mapping' as const,
          service: 'sqs',
          label: `q${ATTACKS[index] ?? ''}`,
          target: `${QUEUE}${ATTACKS[index] ?? ''}`,
          uuid: 'uuid-1',
          state: `Enabled${ATTACKS[index] ?? ''}`,
        },
      ],
    ]),
  );
  const html = formatHtml(hostileReport, { sources });

  it('writes every hostile value escaped: one style, one script, and no tag or attribute of theirs', () => {
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html.match(/<style/g)).toHaveLength(1);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    // Every tag is one of the page's own, and none has an event-handler attribute.
    const tags = html.match(/<\/?[A-Za-z][^\s>/]*/g) ?? [];
    expect([...new Set(tags.map((tag) => tag.replace('</', '<').toLowerCase()))].sort()).toEqual(OWN_TAGS);
    for (const tag of ownTags(html)) expect(tag).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toContain('<!--');
    for (const attack of ATTACKS) expect(html).not.toContain(attack);
    expect(html).toContain('fn0&lt;script&gt;alert(1)&lt;/script&gt;');
    // Control and direction characters are left out, wherever they were.
    const forbidden = [...html].filter((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return (
        (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
        (code >= 0x7f && code <= 0x9f) ||
        (code >= 0x202a && code <= 0x202e) ||
        (code >= 0x2066 && code <= 0x2069)
      );
    });
    expect(forbidden).toEqual([]);
  });

  it('admits only its own style and script, by hash, and refers to nothing outside the file', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(HTML_CSP).toContain(`style-src ${hash(style)}`);
    expect(HTML_CSP).toContain(`script-src ${hash(script)}`);
    expect(HTML_CSP).toMatch(/^default-src 'none';/);
    expect(HTML_CSP).not.toContain('unsafe');
    expect(html.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(html.indexOf('<style>'));
    // No external resource: no src, no stylesheet link, no url(), no @import; links are only the docs' (clicked, not loaded).
    for (const tag of ownTags(html)) expect(tag).not.toMatch(/\s(src|srcset|background|poster)=/i);
    expect(style).not.toMatch(/url\(|@import/);
    for (const tag of ownTags(html)) expect(tag).not.toMatch(/\sstyle=/i);
    for (const href of html.match(/href="[^"]*"/g) ?? [])
      expect(href).toMatch(/^href="https:\/\/docs\.aws\.amazon\.com\//);
  });

  it('names each resource by its short name in the picture', () => {
    expect(resourceLabel('arn:aws:sqs:eu-west-1:123456789012:payments')).toEqual({
      service: 'sqs',
      label: 'payments',
    });
    expect(resourceLabel('arn:aws:kinesis:eu-west-1:1:stream/clickstream/consumer/c:1')).toEqual({
      service: 'kinesis',
      label: 'clickstream',
    });
    expect(resourceLabel('arn:aws:events:eu-west-1:1:event-bus/media')).toEqual({
      service: 'events',
      label: 'media',
    });
    expect(resourceLabel('arn:aws:lambda:eu-west-1:1:function:next:live')).toEqual({
      service: 'lambda',
      label: 'next',
    });
  });

  it("draws each function's mappings, dead-letter target and destinations, by function name", () => {
    const arn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
    const snapshot = {
      source: { kind: 'export' },
      functions: [
        {
          FunctionName: 'a',
          FunctionArn: arn('a'),
          Role: 'r',
          DeadLetterConfig: { TargetArn: 'arn:aws:sqs:eu-west-1:1:dlq' },
        },
      ],
      eventSourceMappings: [
        { UUID: 'u1', FunctionArn: `${arn('a')}:live`, EventSourceArn: QUEUE, State: 'Disabled' },
        {
          UUID: 'u2',
          FunctionArn: arn('a'),
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['b1:9092'] } },
          Topics: ['orders'],
        },
      ],
      eventInvokeConfigs: [
        {
          FunctionArn: `${arn('a')}:$LATEST`,
          DestinationConfig: { OnSuccess: { Destination: 'arn:aws:events:eu-west-1:1:event-bus/b' } },
        },
      ],
      roles: new Map(),
      managedPolicies: new Map(),
      readErrors: [],
    } as unknown as AccountSnapshot;
    const links = functionSources(snapshot).get('a') ?? [];
    expect(links.map((link) => [link.kind, link.service, link.label, link.state])).toEqual([
      ['event-source-mapping', 'sqs', 'orders', 'Disabled'],
      ['event-source-mapping', 'kafka', 'orders', undefined],
      ['dead-letter', 'sqs', 'dlq', undefined],
      ['on-success', 'events', 'b', undefined],
    ]);
  });

  it('prints the demo account through the CLI: every function, grouped by role, a picture each', async () => {
    const run = await runCli([
      'audit',
      '--from',
      join(projectRoot, 'examples/demo-account'),
      '--format',
      'html',
      '--fail-on',
      'none',
    ]);
    const json = await runCli([
      'audit',
      '--from',
      join(projectRoot, 'examples/demo-account'),
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);
    const report = JSON.parse(json.stdout) as { functions: { functionName: string; roleArn: string }[] };
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(run.stdout.match(/<article class="function"/g)).toHaveLength(report.functions.length);
    expect(run.stdout.match(/<section class="role"/g)).toHaveLength(
      new Set(report.functions.map((fn) => fn.roleArn)).size,
    );
    expect(run.stdout.match(/<svg /g)).toHaveLength(report.functions.length);
    for (const fn of report.functions) expect(run.stdout).toContain(` ${fn.functionName}</h3>`);
    expect(run.stdout).toContain('class="node source missing"');
  });
});
