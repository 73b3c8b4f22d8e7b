/**
 * Regenerates shared/adapters/template/sam-policy-templates.json from the AWS SAM translator installed with
 * cfn-lint (`pip install aws-sam-translator`): the policy templates SAM expands in a function's `Policies`
 * (`SQSPollerPolicy`, `DynamoDBCrudPolicy`…), as data. Run at development time only: the product reads the
 * committed JSON and never needs Python. SAM is Apache-2.0; its notice is kept in
 * shared/adapters/template/NOTICE-aws-sam.md.
 *
 *   npx tsx scripts/generate-sam-policy-templates.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const probe = `import os, samtranslator; print(samtranslator.__version__); print(os.path.join(os.path.dirname(samtranslator.__file__), 'policy_templates_data', 'policy_templates.json'))`;
const [version, file] = execFileSync('python3', ['-c', probe], { encoding: 'utf8' }).trim().split('\n');
if (!version || !file) throw new Error('aws-sam-translator is not installed for python3');
const source = JSON.parse(readFileSync(file, 'utf8')) as {
  Templates: Record<string, { Parameters?: Record<string, unknown>; Definition: unknown }>;
};
const templates: Record<string, { Parameters: string[]; Definition: unknown }> = {};
for (const name of Object.keys(source.Templates).sort()) {
  const template = source.Templates[name];
  if (!template) continue;
  templates[name] = { Parameters: Object.keys(template.Parameters ?? {}), Definition: template.Definition };
}
const out = join(import.meta.dirname, '../shared/adapters/template/sam-policy-templates.json');
writeFileSync(
  out,
  `${JSON.stringify({ source: `aws-sam-translator ${version}, samtranslator/policy_templates_data/policy_templates.json (Apache-2.0, see NOTICE-aws-sam.md)`, Templates: templates }, null, 1)}\n`,
);
console.log(
  `wrote ${Object.keys(templates).length} policy templates of aws-sam-translator ${version} to ${out}`,
);
