import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_IDS } from '../../../shared/domain/report.js';
import { RULE_METADATA } from '../../../shared/domain/rules/rule-metadata.js';
import { renderRulesDoc } from '../../../shared/domain/rules/rules-doc.js';

describe('rule documentation', () => {
  it('is up to date with the rule metadata (run npm run docs when this fails)', () => {
    const committed = readFileSync(join(process.cwd(), 'docs/rules.md'), 'utf8');
    expect(committed).toBe(renderRulesDoc());
  });

  it('describes every rule of the report, once', () => {
    expect(RULE_METADATA.map((rule) => rule.id).sort()).toEqual([...RULE_IDS].sort());
  });
});
