/**
 * Writes the sample outputs of the README and docs from the demo account (`npm run docs`); see
 * doc-samples.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillSamples, projectRoot, renderSamples, SAMPLE_FILES } from './doc-samples.js';

const samples = await renderSamples();
for (const file of SAMPLE_FILES) {
  const path = join(projectRoot, file);
  const before = readFileSync(path, 'utf8');
  const after = fillSamples(before, samples, file);
  if (after !== before) {
    writeFileSync(path, after);
    process.stdout.write(`wrote the samples of ${file}\n`);
  }
}
