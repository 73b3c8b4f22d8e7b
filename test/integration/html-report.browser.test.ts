/**
 * `--format html` in a real headless Chromium (Debian's package, through playwright-core): the page
 * loads nothing but itself, logs no error (a CSP violation would be one), shows every function grouped by
 * role with its picture, and its filters work when clicked. A screenshot is checked for structure: its
 * size, that it is not blank, and that the red of a missing permission is drawn. A page of hostile names
 * runs no script of theirs and shows their text as text.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { formatHtml } from '../../shared/cli/format/format-html.js';
import { launchChromium } from '../support/chromium.js';
import { finding, report, result } from '../support/report-builder.js';
import { projectRoot, runCli } from '../support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'lra-html-'));
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

interface Opened {
  readonly page: Page;
  /** Console errors and warnings, uncaught exceptions, dialogs (alert…), and every request made. */
  readonly problems: string[];
  readonly requests: string[];
}

async function open(file: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href);
  return { page, problems, requests };
}

/** Runs in the browser (plain JavaScript: the DOM is not among the project's TypeScript libs). */
const PNG_FACTS = `async (base64) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + base64;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, image.width, image.height).data;
  const colours = new Set();
  let red = 0;
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i], g = data[i + 1], b = data[i + 2];
    colours.add((r << 16) | (g << 8) | b);
    // The red of a missing permission (#c0152f), on edges and node borders.
    if (r > 160 && g < 60 && b < 80) red += 1;
  }
  return { width: image.width, height: image.height, colours: colours.size, red };
}`;

/** Width, height and colour facts of a PNG, read by the browser itself on a blank page. */
async function pngFacts(
  png: Buffer,
): Promise<{ width: number; height: number; colours: number; red: number }> {
  const page = await browser.newPage();
  try {
    return (await page.evaluate(`(${PNG_FACTS})(${JSON.stringify(png.toString('base64'))})`)) as {
      width: number;
      height: number;
      colours: number;
      red: number;
    };
  } finally {
    await page.close();
  }
}

describe('the HTML report in Chromium', () => {
  let demo: Opened;
  let functions: {
    functionName: string;
    roleArn: string;
    compliant: boolean;
    findings: { severity: string; rule: string }[];
  }[];

  beforeAll(async () => {
    const account = join(projectRoot, 'examples/demo-account');
    const [html, json] = await Promise.all([
      runCli(['audit', '--from', account, '--format', 'html', '--fail-on', 'none']),
      runCli(['audit', '--from', account, '--format', 'json', '--fail-on', 'none']),
    ]);
    const file = join(work, 'demo.html');
    writeFileSync(file, html.stdout);
    functions = JSON.parse(json.stdout).functions;
    demo = await open(file);
  }, 60_000);

  it('loads nothing but the file and logs no error', () => {
    expect(demo.requests).toEqual([pathToFileURL(join(work, 'demo.html')).href]);
    expect(demo.problems).toEqual([]);
  });

  it('shows every function, grouped by role, each with its picture', async () => {
    const { page } = demo;
    expect(await page.locator('section.role[data-role]').count()).toBe(
      new Set(functions.map((fn) => fn.roleArn)).size,
    );
    expect(await page.locator('article.function').count()).toBe(functions.length);
    expect(await page.locator('article.function figure svg').count()).toBe(functions.length);
    const names = await page.locator('article.function h3').allTextContents();
    expect(names.map((name) => name.slice(2)).sort()).toEqual(functions.map((fn) => fn.functionName).sort());
    // Drawn red where a permission is missing, and only there.
    const payments = page.locator('article.function', { hasText: 'payments-processor' });
    expect(await payments.locator('g.node.source.missing').count()).toBeGreaterThan(0);
    const intact = functions.filter((f) =>
      f.findings.every((x) => x.rule !== 'missing-permission' && x.rule !== 'role-unavailable'),
    );
    expect(intact.length).toBeGreaterThan(0);
    // A role that does not exist is drawn red itself.
    for (const fn of functions.filter((f) => f.findings.some((x) => x.rule === 'role-unavailable'))) {
      const card = page.locator('article.function', { hasText: fn.functionName });
      expect(await card.locator('g.node.role.missing').count()).toBe(1);
    }
    for (const fn of intact) {
      const card = page.locator('article.function', {
        has: page.locator('h3', { hasText: new RegExp(`^. ${fn.functionName}$`) }),
      });
      expect(await card.locator('.node.missing').count()).toBe(0);
    }
    // Each finding shows its fix; each function with a recommended policy offers it.
    expect(await page.locator('li.finding').count()).toBe(functions.flatMap((fn) => fn.findings).length);
    expect(await page.locator('li.finding', { hasText: 'Fix:' }).count()).toBe(
      await page.locator('li.finding').count(),
    );
    expect(await page.locator('details.policy pre').count()).toBeGreaterThan(0);
  });

  it('filters by severity and by rule when the boxes are clicked', async () => {
    const { page } = demo;
    const all = functions.flatMap((fn) => fn.findings);
    const visible = () => page.locator('li.finding:visible');
    const critical = all.filter((f) => f.severity === 'critical').length;

    for (const severity of ['high', 'medium', 'low', 'info'])
      await page.click(`input[name="severity"][value="${severity}"]`);
    expect(await visible().count()).toBe(critical);
    expect(await page.locator('#shown').textContent()).toBe(`${critical} of ${all.length} findings shown`);
    for (const severity of await visible().evaluateAll((items) =>
      items.map((item) => item.getAttribute('data-severity')),
    )) {
      expect(severity).toBe('critical');
    }
    // A role whose functions all drop out of the filter is hidden with them.
    expect(await page.locator('section.role:visible').count()).toBeLessThan(
      new Set(functions.map((fn) => fn.roleArn)).size,
    );

    for (const severity of ['high', 'medium', 'low', 'info'])
      await page.click(`input[name="severity"][value="${severity}"]`);
    await page.click('input[name="rule"][value="missing-permission"]');
    const withoutMissing = all.filter((f) => f.rule !== 'missing-permission').length;
    expect(await visible().count()).toBe(withoutMissing);
    expect(await page.locator('li.finding[data-rule="missing-permission"]:visible').count()).toBe(0);

    await page.click('input[name="show"][value="clean"]');
    const clean = functions.filter((fn) => fn.findings.length === 0).length;
    expect(clean).toBeGreaterThan(0);
    expect(await page.locator('article.function:visible').count()).toBe(
      functions.filter((fn) => fn.findings.some((f) => f.rule !== 'missing-permission')).length,
    );
    await page.click('input[name="rule"][value="missing-permission"]');
    await page.click('input[name="show"][value="clean"]');
    expect(await visible().count()).toBe(all.length);
    expect(demo.problems).toEqual([]);
  });

  it('draws a page whose screenshot has the structure it should', async () => {
    const { page } = demo;
    const full = await page.screenshot({ fullPage: true });
    const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
    const facts = await pngFacts(full);
    expect(facts.width).toBe(1200);
    expect(facts.height).toBe(height);
    expect(facts.height).toBeGreaterThan(16 * 150);
    // Not blank: text, badges and pictures give many colours; the red of missing permissions is drawn.
    expect(facts.colours).toBeGreaterThan(200);
    expect(facts.red).toBeGreaterThan(500);

    const figure = page.locator('article.function', { hasText: 'payments-processor' }).locator('figure svg');
    const box = await figure.boundingBox();
    const picture = await pngFacts(await figure.screenshot());
    expect(box).not.toBeNull();
    expect(picture.width).toBe(Math.round(box?.width ?? 0));
    expect(picture.red).toBeGreaterThan(50);
  });
});

describe('a page of hostile names in Chromium', () => {
  const attacks = [
    '<script>window.pwned=1;alert(1)</script>',
    '"><img src=x onerror="window.pwned=2">',
    "' onmouseover='window.pwned=3",
    '</style><script>window.pwned=4</script>',
    '</title><script>window.pwned=5</script>',
    '<svg onload="window.pwned=6">',
    'bell\u0007esc\u001b[31m\u202eright-to-left',
  ];
  let hostile: Opened;

  beforeAll(async () => {
    const page = report(
      attacks.map((attack, index) =>
        result(`fn${index}${attack}`, [finding({ message: `message ${attack}`, action: `sqs:${attack}` })], {
          roleArn: `arn:aws:iam::123456789012:role/r${index}${attack}`,
        }),
      ),
      { source: { kind: 'export', path: attacks[4] } },
    );
    const file = join(work, 'hostile.html');
    writeFileSync(file, formatHtml(page));
    hostile = await open(file);
    await hostile.page.hover('h3');
  }, 60_000);

  it('runs no script of theirs, opens no dialog, loads nothing', async () => {
    const { page } = hostile;
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    expect(await page.evaluate('document.scripts.length')).toBe(1);
    expect(await page.locator('img').count()).toBe(0);
    expect(hostile.problems).toEqual([]);
    expect(hostile.requests).toHaveLength(1);
  });

  it('shows their names as text, without control or direction characters', async () => {
    const names = await hostile.page.locator('article.function h3').allTextContents();
    const expected = attacks.map(
      (attack, index) =>
        `fn${index}${[...attack].filter((ch) => !['\u0007', '\u001b', '\u202e'].includes(ch)).join('')}`,
    );
    expect(names.map((name) => name.slice(2)).sort()).toEqual(expected.sort());
    expect(await hostile.page.title()).toContain('</title><script>window.pwned=5</script>');
  });
});
