/**
 * Files as Windows tools write them: UTF-8 with a byte-order mark (Notepad), UTF-16 with or without one
 * (PowerShell 5's `>` and `Out-File`). The export folder, the suppressions file and templates are read
 * the same as UTF-8, through the built CLI; UTF-32 gets a message that says what to do.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeText } from '../../../shared/adapters/text-file/decode-text.js';
import { projectRoot, runCli } from '../../support/run-cli.js';

const basic = join(projectRoot, 'test/fixtures/scenarios/basic');
const template = join(projectRoot, 'test/fixtures/templates/sam/event-sources.yaml');

type Encoding = 'utf8-bom' | 'utf16le-bom' | 'utf16le' | 'utf16be-bom' | 'utf32le-bom';

function encode(text: string, encoding: Encoding): Buffer {
  const le = Buffer.from(text, 'utf16le');
  switch (encoding) {
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
    case 'utf16le':
      return le;
    case 'utf16be-bom': {
      const be = Buffer.from(le);
      be.swap16();
      return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
    }
    case 'utf32le-bom': {
      const points = [...text];
      const out = Buffer.alloc(4 + points.length * 4);
      out.set([0xff, 0xfe, 0, 0]);
      points.forEach((ch, i) => {
        out.writeUInt32LE(ch.codePointAt(0) ?? 0, 4 + i * 4);
      });
      return out;
    }
  }
}

function reencodedFolder(encoding: Encoding): string {
  const folder = mkdtempSync(join(tmpdir(), `lra-${encoding}-`));
  cpSync(basic, folder, { recursive: true });
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.json'))) {
    writeFileSync(join(folder, file), encode(readFileSync(join(folder, file), 'utf8'), encoding));
  }
  return folder;
}

const functionsOf = (stdout: string): unknown => JSON.parse(stdout).functions;

describe('file encodings', () => {
  let expected: unknown;
  beforeAll(async () => {
    expected = functionsOf((await runCli(['audit', '--from', basic, '--fail-on', 'none'])).stdout);
  });

  it.each(['utf8-bom', 'utf16le-bom', 'utf16le', 'utf16be-bom'] as const)(
    'reads an export folder written as %s like its UTF-8 original',
    async (encoding) => {
      const run = await runCli(['audit', '--from', reencodedFolder(encoding), '--fail-on', 'none']);
      expect(run.stderr).toBe('');
      expect(functionsOf(run.stdout)).toEqual(expected);
    },
  );

  it('says to save a UTF-32 file as UTF-8', async () => {
    const folder = reencodedFolder('utf32le-bom');
    const run = await runCli(['audit', '--from', folder]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /\/(authorization-details|functions|event-source-mappings)\.json is UTF-32 text: save it as UTF-8\n$/,
    );
  });

  it('reads a suppressions file written by PowerShell (UTF-16 with a byte-order mark)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lra-suppressions-'));
    const file = join(folder, 'suppressions.yaml');
    writeFileSync(
      file,
      encode('suppressions:\n  - rule: missing-permission\n    reason: décidé\n', 'utf16le-bom'),
    );
    const run = await runCli(['audit', '--from', basic, '--suppressions', file, '--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const findings = JSON.parse(run.stdout).functions.flatMap(
      (fn: { findings: { rule: string; suppressed?: boolean; suppressionReason?: string }[] }) => fn.findings,
    );
    const missing = findings.filter((finding: { rule: string }) => finding.rule === 'missing-permission');
    expect(missing.length).toBeGreaterThan(0);
    expect(
      missing.every((finding: { suppressionReason?: string }) => finding.suppressionReason === 'décidé'),
    ).toBe(true);
  });

  it.each(['utf8-bom', 'utf16le-bom'] as const)('reads a template written as %s', async (encoding) => {
    const folder = mkdtempSync(join(tmpdir(), 'lra-template-'));
    const file = join(folder, 'event-sources.yaml');
    writeFileSync(file, encode(readFileSync(template, 'utf8'), encoding));
    const [original, copy] = await Promise.all([
      runCli(['audit', '--template', template, '--fail-on', 'none']),
      runCli(['audit', '--template', file, '--fail-on', 'none']),
    ]);
    expect(copy.status).toBe(original.status);
    const names = (stdout: string): string[] =>
      JSON.parse(stdout).functions.map((fn: { functionName: string }) => fn.functionName);
    expect(names(copy.stdout)).toEqual(names(original.stdout));
  });

  it('decodes each byte order, with and without a mark, and refuses an odd UTF-16 length', () => {
    const text = '{"a": "é注"}';
    for (const encoding of ['utf8-bom', 'utf16le-bom', 'utf16le', 'utf16be-bom'] as const) {
      expect(decodeText(encode(text, encoding), 'f.json')).toBe(text);
    }
    expect(decodeText(Buffer.from(text, 'utf8'), 'f.json')).toBe(text);
    expect(() => decodeText(Buffer.from([0xff, 0xfe, 0x7b]), 'f.json')).toThrow(
      'f.json looks like UTF-16 text but has an odd number of bytes: save it as UTF-8',
    );
    expect(decodeText(Buffer.alloc(0), 'f.json')).toBe('');
  });
});
