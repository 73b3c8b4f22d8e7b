/**
 * The sample outputs in the README and docs are what the tool prints for the demo account: rendered again
 * here through the real command line, they must equal what the files hold (`npm run docs` rewrites them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  fillSamples,
  markedSamples,
  projectRoot,
  renderSamples,
  SAMPLE_FILES,
} from '../../../scripts/doc-samples.js';

describe('sample outputs in the docs', () => {
  let samples: Awaited<ReturnType<typeof renderSamples>>;
  beforeAll(async () => {
    samples = await renderSamples();
  });

  it.each(SAMPLE_FILES)('%s holds what the demo prints now (run npm run docs when this fails)', (file) => {
    const text = readFileSync(join(projectRoot, file), 'utf8');
    expect(markedSamples(text).length).toBeGreaterThan(0);
    expect(text).toBe(fillSamples(text, samples, file));
  });

  it('marks only samples that exist, and every sample is shown somewhere', () => {
    const names = samples.map((sample) => sample.name);
    const marked = SAMPLE_FILES.flatMap((file) =>
      markedSamples(readFileSync(join(projectRoot, file), 'utf8')),
    );
    for (const name of marked) expect(names).toContain(name);
    expect([...new Set(marked)].sort()).toEqual([...names].sort());
  });

  it('notices a stale sample', () => {
    const stale = [
      '<!-- sample:summary-demo (generated) -->',
      '```text',
      '16 functions: 16 compliant',
      '```',
      '<!-- /sample:summary-demo -->',
    ].join('\n');
    const filled = fillSamples(stale, samples, 'stale.md');
    expect(filled).not.toBe(stale);
    expect(filled).toContain('11 not compliant');
  });
});
