/**
 * The CLI's template mode (`audit --template FILE … | --cdk-out DIR`): its options, the template source,
 * and the report's template locations. Loaded on demand, so that the audits of accounts never load the
 * YAML parser and the SAM data it brings.
 */
import { loadAwsManagedPolicyPaths } from '../adapters/aws-managed-policies/load-aws-managed-policies.js';
import { ExportFolderSource } from '../adapters/export-folder/export-folder-source.js';
import { annotateReport, TemplateSource } from '../adapters/template/template-source.js';
import { InputError } from '../domain/errors.js';
import type { AccountSource } from '../domain/model.js';
import type { Report } from '../domain/report.js';
import type { LiveAdapters } from './live-adapters.js';

export interface TemplateOptionValues {
  readonly template?: readonly string[];
  readonly 'cdk-out'?: string;
  readonly parameter?: readonly string[];
  readonly account?: string;
  readonly region?: string;
  readonly from?: string;
  readonly profile?: string;
}

export interface TemplateMode {
  readonly source: AccountSource;
  /** Adds each function's and finding's place in the templates. */
  annotate(report: Report): Report;
}

/** `--parameter KEY=VALUE`, repeated; a value may contain `=`. */
export function parseParameters(values: readonly string[]): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new InputError(`--parameter "${value}" is not KEY=VALUE`);
    parameters.set(value.slice(0, at), value.slice(at + 1));
  }
  return parameters;
}

export async function createTemplateMode(
  values: TemplateOptionValues,
  live: LiveAdapters,
  warn: (message: string) => void,
): Promise<TemplateMode> {
  // What the templates do not define: from an export folder, or the live account when a profile is named.
  let outside: AccountSource | undefined;
  if (values.from !== undefined) outside = new ExportFolderSource(values.from);
  else if (values.profile !== undefined) {
    if (!live.createLiveSource)
      throw new InputError('reading the live account is not available in this build');
    outside = await live.createLiveSource({
      profile: values.profile,
      ...(values.region ? { region: values.region } : {}),
    });
  }
  const source = new TemplateSource({
    templates: values.template ?? [],
    ...(values['cdk-out'] === undefined ? {} : { cdkOut: values['cdk-out'] }),
    parameters: parseParameters(values.parameter ?? []),
    ...(values.account === undefined ? {} : { account: values.account }),
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(outside === undefined ? {} : { outside }),
    warn: (message) => warn(`warning: ${message}`),
    awsManagedPolicyPath: await loadAwsManagedPolicyPaths(),
  });
  return { source, annotate: (report) => annotateReport(report, source.locations) };
}
