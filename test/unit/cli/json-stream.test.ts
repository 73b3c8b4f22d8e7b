/**
 * The JSON and SARIF reports are written in pieces (shared/cli/format/json-stream.ts) rather than as one
 * JSON.stringify string; the bytes must be exactly JSON.stringify's. Checked on arbitrary values, and on the
 * reports of the demo account, every scenario and a findings-heavy account (bench/findings-heavy-account.ts),
 * through the command line in-process: what `audit --format json|sarif` writes, compact (a pipe) and indented
 * (a terminal), against JSON.stringify of the same report.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { writeFindingsHeavyAccount } from '../../../bench/findings-heavy-account.js';
import { loadActionCatalog } from '../../../shared/adapters/action-catalog/load-action-catalog.js';
import { ExportFolderSource } from '../../../shared/adapters/export-folder/export-folder-source.js';
import { runAudit } from '../../../shared/app/run-audit.js';
import { formatSarif } from '../../../shared/cli/format/format-sarif.js';
import { JsonItems, writeJson } from '../../../shared/cli/format/json-stream.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import type { Report } from '../../../shared/domain/report.js';
import { projectRoot } from '../../support/run-cli.js';

const NOW = new Date('2026-11-26T12:00:00Z');

function streamed(
  value: unknown,
  options: Parameters<typeof writeJson>[2] = {},
): { text: string; pieces: number } {
  let text = '';
  let pieces = 0;
  writeJson(
    value,
    (piece) => {
      text += piece;
      pieces += 1;
    },
    options,
  );
  return { text, pieces };
}

describe('writeJson', () => {
  it('writes what JSON.stringify writes, compact and indented, for any JSON-like value', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.string(),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.constant(() => 1),
      ),
      array: fc.array(tie('node'), { maxLength: 5 }),
      object: fc.dictionary(fc.string(), tie('node'), { maxKeys: 5 }),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('array'), tie('object')),
    })).node;
    fc.assert(
      fc.property(
        value,
        fc.constantFrom(0, 2, 4),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 64 }),
        (item, indent, depth, chunkSize) => {
          const expected = indent === 0 ? JSON.stringify(item) : JSON.stringify(item, null, indent);
          expect(streamed(item, { indent, depth, chunkSize }).text).toBe(expected ?? '');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps the members JSON.stringify keeps, in its order, and leaves toJSON to it', () => {
    const value = {
      b: 1,
      a: [undefined, () => 0, Symbol('s'), Number.NaN, new Date(0), { toJSON: () => 'own' }],
      2: 'two',
      1: 'one',
      skipped: undefined,
      nested: { z: undefined, y: [1, { x: undefined }] },
      empty: [],
      none: {},
    };
    for (const indent of [0, 2]) {
      expect(streamed(value, { indent, depth: 3, chunkSize: 1 }).text).toBe(
        indent === 0 ? JSON.stringify(value) : JSON.stringify(value, null, indent),
      );
    }
  });

  it('splices items rendered beforehand (JsonItems, as UTF-8 bytes) where the array would be', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
      array: fc.array(tie('node'), { maxLength: 4 }),
      object: fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('array'), tie('object')),
    })).node;
    const utf8 = new TextDecoder();
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 6 }),
        fc.string(),
        fc.constantFrom(0, 2),
        fc.integer({ min: 1, max: 64 }),
        (items, before, indent, chunkSize) => {
          const full = { before, functions: items, after: [before] };
          const expected = indent === 0 ? JSON.stringify(full) : JSON.stringify(full, null, indent);
          const spliced = new JsonItems(indent, 1);
          for (const item of items) spliced.add(item);
          const at: unknown[] = [];
          let text = '';
          writeJson({ ...full, functions: at }, (piece) => (text += piece), {
            indent,
            chunkSize,
            splice: { at, items: spliced, writeBytes: (bytes) => (text += utf8.decode(bytes)) },
          });
          expect(text).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps multi-byte text whole across its 1 MiB chunks, and an item larger than a chunk', () => {
    // Two- to four-byte UTF-8 characters and lone surrogates (JSON.stringify escapes them), in items that
    // fill several chunks and end at every offset, then one item of more than a chunk on its own.
    const text = (n: number) => `${'é’😀\ud800x'.repeat(n % 50)}${'a'.repeat(n % 7)}`;
    const items: unknown[] = Array.from({ length: 4000 }, (_, n) => ({ n, text: text(n).repeat(20) }));
    items.push({ huge: '€'.repeat(600_000) }, { after: text(3) });
    const utf8 = new TextDecoder();
    for (const indent of [0, 2]) {
      const spliced = new JsonItems(indent, 1);
      for (const item of items) spliced.add(item);
      const chunks = spliced.bytes();
      expect(chunks.length).toBeGreaterThan(3);
      const at: unknown[] = [];
      let written = '';
      writeJson({ functions: at }, (piece) => (written += piece), {
        indent,
        splice: {
          at,
          items: spliced,
          writeBytes: (bytes) => (written += utf8.decode(bytes, { stream: true })),
        },
      });
      written += utf8.decode();
      const full = { functions: items };
      expect(written).toBe(indent === 0 ? JSON.stringify(full) : JSON.stringify(full, null, indent));
    }
  });

  it('writes a large value in chunks, not as one string', () => {
    const value = { items: Array.from({ length: 2000 }, (_, n) => ({ n, text: 'x'.repeat(100) })) };
    const { text, pieces } = streamed(value, { chunkSize: 4096 });
    expect(text).toBe(JSON.stringify(value));
    expect(pieces).toBeGreaterThan(text.length / 8192);
  });
});

describe('the reports the command line writes', () => {
  const work = mkdtempSync(join(tmpdir(), 'lra-stream-'));
  const heavy = join(work, 'findings-heavy');
  beforeAll(() => writeFindingsHeavyAccount(heavy, 300));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const scenarios = join(projectRoot, 'test/fixtures/scenarios');
  const folders: [string, () => string][] = [
    ['the demo account', () => join(projectRoot, 'examples/demo-account')],
    ...readdirSync(scenarios, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry): [string, () => string] => [`scenario ${entry.name}`, () => join(scenarios, entry.name)]),
    ['a findings-heavy account of 300 functions', () => heavy],
  ];

  async function cliOutput(
    folder: string,
    format: string,
    tty: boolean,
    bytes = false,
  ): Promise<{ text: string; writes: number; status: number }> {
    let text = '';
    let writes = 0;
    const utf8 = new TextDecoder();
    const status = await runCli(['audit', '--from', folder, '--format', format], {
      version: '9.9.9',
      stdout: {
        write: (piece: string) => {
          text += piece;
          writes += 1;
        },
        // A stdout that takes bytes gets the JSON report's functions rendered as the audit goes.
        ...(bytes
          ? {
              writeBytes: (piece: Uint8Array) => {
                text += utf8.decode(piece);
                writes += 1;
              },
            }
          : {}),
        isTTY: tty,
        columns: 100,
      },
      stderr: { write: () => undefined },
      env: {},
      loadCatalog: loadActionCatalog,
      now: () => NOW,
      live: {},
    });
    return { text, writes, status };
  }

  async function reportOf(folder: string): Promise<Report> {
    return runAudit(new ExportFolderSource(folder), {
      scope: {},
      catalog: await loadActionCatalog(),
      now: () => NOW,
      tool: { name: 'lambda-role-audit', version: '9.9.9' },
      awsManagedBaseline: 'info',
    });
  }

  it.each(folders)(
    '%s: JSON and SARIF are byte for byte JSON.stringify of the report',
    async (_, folderOf) => {
      const folder = folderOf();
      const report = await reportOf(folder);
      expect(report.functions.length).toBeGreaterThan(0);
      expect((await cliOutput(folder, 'json', false)).text).toBe(`${JSON.stringify(report)}\n`);
      expect((await cliOutput(folder, 'json', true)).text).toBe(`${JSON.stringify(report, null, 2)}\n`);
      expect((await cliOutput(folder, 'sarif', false)).text).toBe(`${JSON.stringify(formatSarif(report))}\n`);
      const byFunction = await cliOutput(folder, 'json', false, true);
      expect(byFunction.text).toBe(`${JSON.stringify(report)}\n`);
      expect(byFunction.status).toBe((await cliOutput(folder, 'json', false)).status);
      expect((await cliOutput(folder, 'json', true, true)).text).toBe(`${JSON.stringify(report, null, 2)}\n`);
    },
  );

  it('writes the findings-heavy report in many pieces', async () => {
    const report = await reportOf(heavy);
    const findings = report.functions.reduce((sum, fn) => sum + fn.findings.length, 0);
    expect(findings).toBeGreaterThan(5 * 300);
    const { text, writes } = await cliOutput(heavy, 'json', false);
    expect(writes).toBeGreaterThan(text.length / 131_072);
  });
});
