import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSuppressionsFile } from '../../../shared/adapters/suppressions-file/load-suppressions-file.js';
import { InputError } from '../../../shared/domain/errors.js';

const folder = mkdtempSync(join(tmpdir(), 'lra-suppressions-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

describe('suppressions file', () => {
  it('reads a YAML list', async () => {
    const path = file(
      'list.yaml',
      '- rule: wildcard-action\n  role: admin-role\n  reason: break-glass role, reviewed quarterly\n',
    );
    expect(await loadSuppressionsFile(path)).toEqual([
      { rule: 'wildcard-action', role: 'admin-role', reason: 'break-glass role, reviewed quarterly' },
    ]);
  });

  it('reads JSON, which is YAML too', async () => {
    const path = file(
      'list.json',
      JSON.stringify([{ rule: 'overbroad-resource', reason: 'logs on * accepted' }]),
    );
    expect(await loadSuppressionsFile(path)).toEqual([
      { rule: 'overbroad-resource', reason: 'logs on * accepted' },
    ]);
  });

  it('treats an empty file as no suppressions', async () => {
    expect(await loadSuppressionsFile(file('empty.yaml', '# nothing suppressed yet\n'))).toEqual([]);
  });

  it('names the file it cannot read', async () => {
    const path = join(folder, 'absent.yaml');
    await expect(loadSuppressionsFile(path)).rejects.toThrow(InputError);
    await expect(loadSuppressionsFile(path)).rejects.toThrow(
      `suppressions file ${path} cannot be read (ENOENT)`,
    );
  });

  it('names the file and the line of a YAML syntax error', async () => {
    const path = file('broken.yaml', '- rule: wildcard-action\n  reason: [unclosed\n');
    await expect(loadSuppressionsFile(path)).rejects.toThrow(
      /broken\.yaml is neither valid YAML nor JSON: .*line/s,
    );
  });
});
