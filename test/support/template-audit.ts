/**
 * Helpers for template-mode tests: read a template file as the CLI does (SAM transformed), run the real
 * SAM translator (Python aws-sam-translator, installed with cfn-lint) as the reference, and reduce a
 * snapshot's pieces to a comparable form.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAwsManagedPolicyData } from '../../shared/adapters/aws-managed-policies/managed-policies-reader.mjs';
import { parseTemplate } from '../../shared/adapters/template/parse-template.js';
import { readTemplate, type TemplatePieces } from '../../shared/adapters/template/read-template.js';
import { transformSam } from '../../shared/adapters/template/sam-transform.js';
import { projectRoot } from './run-cli.js';

export const TEMPLATE_ENV = { account: '123456789012', region: 'us-east-1', partition: 'aws' } as const;

const paths = new Map(
  Object.keys(readAwsManagedPolicyData()).map((path) => [path.slice(path.lastIndexOf('/') + 1), path]),
);
export const awsManagedPolicyPath = (name: string): string | undefined => paths.get(name);

/** The pieces of a SAM template as template mode reads it (its own transform). */
export function piecesOfSam(
  file: string,
  parameters: ReadonlyMap<string, string> = new Map(),
): TemplatePieces {
  const parsed = parseTemplate(file, readFileSync(file, 'utf8'));
  const transformed = transformSam(parsed, { ...TEMPLATE_ENV, parameters, awsManagedPolicyPath });
  return readTemplate(transformed.template, { ...TEMPLATE_ENV, parameters, stackName: 'stack' });
}

/** The CloudFormation template the real SAM translator makes of a SAM template, as JSON text. */
export function samTranslator(file: string, parameters: ReadonlyMap<string, string> = new Map()): string {
  return execFileSync(
    'python3',
    [
      join(projectRoot, 'test/support/sam-translate.py'),
      file,
      ...[...parameters].map(([k, v]) => `${k}=${v}`),
    ],
    { encoding: 'utf8', env: { ...process.env, AWS_DEFAULT_REGION: TEMPLATE_ENV.region } },
  );
}

/** The pieces of the translator's output, read by template mode's CloudFormation reader. */
export function piecesOfTranslation(
  file: string,
  parameters: ReadonlyMap<string, string> = new Map(),
): TemplatePieces {
  const parsed = parseTemplate(`${file}.translated.json`, samTranslator(file, parameters));
  return readTemplate(parsed, { ...TEMPLATE_ENV, parameters, stackName: 'stack' });
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What an audit reads of the pieces, in an order that does not depend on the template's. */
export function comparable(pieces: TemplatePieces): unknown {
  return {
    functions: [...pieces.functions].sort((a, b) => byText(a.FunctionArn, b.FunctionArn)),
    mappings: [...pieces.mappings].sort((a, b) => byText(a.UUID, b.UUID)),
    invokeConfigs: [...pieces.invokeConfigs].sort((a, b) => byText(a.FunctionArn, b.FunctionArn)),
    roles: [...pieces.roles.values()]
      .sort((a, b) => byText(a.Arn, b.Arn))
      .map((role) => ({
        ...role,
        Tags: undefined,
        AttachedManagedPolicies: [...role.AttachedManagedPolicies].sort((a, b) =>
          byText(a.PolicyArn, b.PolicyArn),
        ),
      })),
    managedPolicies: [...pieces.managedPolicies.values()].sort((a, b) => byText(a.Arn, b.Arn)),
    unresolvedRoles: [...pieces.unresolvedRoles],
  };
}
