/**
 * The command line (see the contract's "Command line"): parses arguments, calls the audit use case,
 * prints the report in the chosen format and turns the outcome into the exit status. Everything with a
 * side effect comes in through `CliEnvironment`, so tests run it in-process.
 */
import { parseArgs } from 'node:util';
import { loadActionCatalog } from '../adapters/action-catalog/load-action-catalog.js';
import { loadAwsManagedPolicies } from '../adapters/aws-managed-policies/load-aws-managed-policies.js';
import { ExportFolderSource } from '../adapters/export-folder/export-folder-source.js';
import { runAudit } from '../app/run-audit.js';
import { InputError } from '../domain/errors.js';
import type { AccountSource } from '../domain/model.js';
import type { ActionCatalog } from '../domain/policy/action-catalog.js';
import type { Report } from '../domain/report.js';
import { BASELINE_SEVERITIES, type BaselineSeverity } from '../domain/rules/managed-baseline.js';
import { parseTagSuppressionPolicy, type Suppression } from '../domain/suppressions.js';
import { EXIT, exitStatus, type FailOn, parseFailOn } from './exit-status.js';
import { terminalText } from './format/escape.js';
import { formatMarkdown } from './format/format-markdown.js';
import { formatSarif } from './format/format-sarif.js';
import { formatTable } from './format/format-table.js';
import { createPaint, wantsColour } from './format/terminal-colour.js';
import { type LiveAdapters, liveAdapters } from './live-adapters.js';
import { USAGE } from './usage.js';

export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface CliEnvironment {
  readonly version: string;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly loadCatalog?: () => Promise<ActionCatalog>;
  readonly live?: LiveAdapters;
  readonly now?: () => Date;
  /** Monotonic milliseconds that time each function's audit (default `performance.now`). */
  readonly clock?: () => number;
}

const TOOL_NAME = 'lambda-role-audit';
const FORMATS = ['table', 'json', 'markdown', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

const AUDIT_OPTIONS = {
  from: { type: 'string' },
  region: { type: 'string', multiple: true },
  'all-regions': { type: 'boolean' },
  profile: { type: 'string' },
  function: { type: 'string', multiple: true },
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  suppressions: { type: 'string' },
  'aws-managed-baseline': { type: 'string' },
  'tag-suppress-max-severity': { type: 'string' },
  'tag-suppress-rules': { type: 'string' },
  'function-budget-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  // Template mode (template-mode.ts).
  template: { type: 'string', multiple: true },
  'cdk-out': { type: 'string' },
  parameter: { type: 'string', multiple: true },
  account: { type: 'string' },
} as const;

const EXPORT_OPTIONS = {
  to: { type: 'string' },
  region: { type: 'string', multiple: true },
  'all-regions': { type: 'boolean' },
  profile: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Bad usage: reported with a pointer to --help, exit 2. */
class UsageProblem extends InputError {}

/** Runs one command line and returns its exit status. Never throws. */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  // Messages quote account values (function names, ARNs, file entries): each line goes through the
  // terminal's escaping, so that none can repaint the screen or forge a line.
  const log = (message: string): void => {
    environment.stderr.write(`${TOOL_NAME}: ${message.split('\n').map(terminalText).join('\n')}\n`);
  };
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      (command === undefined ? environment.stderr : environment.stdout).write(USAGE);
      return command === undefined ? EXIT.unusable : EXIT.ok;
    }
    if (command === '--version' || command === '-v') {
      environment.stdout.write(`${environment.version}\n`);
      return EXIT.ok;
    }
    if (command === 'audit') return await auditCommand(rest, environment, log);
    if (command === 'export') return await exportCommand(rest, environment, log);
    throw new UsageProblem(`unknown command "${command}": expected audit or export`);
  } catch (error: unknown) {
    if (error instanceof UsageProblem || isParseArgsError(error)) {
      log(`${(error as Error).message} (see ${TOOL_NAME} --help)`);
      return EXIT.unusable;
    }
    if (error instanceof InputError) {
      log(error.message);
      return EXIT.unusable;
    }
    // Not the user's fault: say so, with the stack, and keep clear of exit 1 (which means "findings").
    log(
      `unexpected error, please report it: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return EXIT.unusable;
  }
}

async function auditCommand(
  args: readonly string[],
  environment: CliEnvironment,
  log: (message: string) => void,
): Promise<number> {
  const { values, tokens } = parseArgs({
    args: [...args],
    options: AUDIT_OPTIONS,
    allowPositionals: true,
    strict: true,
    tokens: true,
  });
  if (values.help) {
    environment.stdout.write(USAGE);
    return EXIT.ok;
  }
  const functionNames = collectFunctionNames(tokens);
  const format = parseFormat(values.format, environment.stdout.isTTY === true);
  const failOn: FailOn = parseFailOn(values['fail-on']);
  const awsManagedBaseline = parseBaseline(values['aws-managed-baseline']);
  const functionBudgetMs = parseBudget(values['function-budget-ms']);
  const tagSuppression = parseTagSuppressionPolicy(
    { maxSeverity: values['tag-suppress-max-severity'], rules: values['tag-suppress-rules'] },
    { maxSeverity: '--tag-suppress-max-severity', rules: '--tag-suppress-rules' },
  );

  const templateMode =
    values.template !== undefined || values['cdk-out'] !== undefined
      ? await import('./template-mode.js').then((m) =>
          m.createTemplateMode(
            { ...withoutRegion(values), ...templateRegion(values.region) },
            environment.live ?? liveAdapters,
            log,
          ),
        )
      : undefined;
  if (templateMode === undefined && (values.parameter !== undefined || values.account !== undefined)) {
    throw new UsageProblem(
      '--parameter and --account apply to template mode (--template FILE or --cdk-out DIR)',
    );
  }
  const source =
    templateMode?.source ??
    (await chooseSource(
      { ...values, regions: await regionsOf(values, environment) },
      environment,
      log,
      format !== 'json' && environment.stderr.isTTY === true,
    ));
  const loadCatalog = environment.loadCatalog ?? loadActionCatalog;
  const [catalog, suppressions] = await Promise.all([
    loadCatalog(),
    values.suppressions ? loadSuppressions(values.suppressions) : Promise.resolve(undefined),
  ]);
  const audited = await runAudit(source, {
    scope: functionNames.length > 0 ? { functionNames } : {},
    catalog,
    ...(suppressions ? { suppressions: suppressions as readonly Suppression[] } : {}),
    tagSuppression,
    ...(environment.now ? { now: environment.now } : {}),
    tool: { name: TOOL_NAME, version: environment.version },
    awsManagedBaseline,
    loadAwsManagedPolicies,
    // Every function gets a time budget: a policy that slows the audit marks its functions incomplete.
    clock: environment.clock ?? (() => performance.now()),
    ...(functionBudgetMs !== undefined ? { functionBudgetMs } : {}),
  });
  const report = templateMode ? templateMode.annotate(audited) : audited;

  for (const error of report.errors ?? []) {
    const who =
      error.functionName && !error.message.includes(error.functionName) ? `${error.functionName}: ` : '';
    log(`warning: ${who}${error.message}`);
  }
  for (const warning of report.warnings ?? []) log(`warning: ${warning.message}`);
  environment.stdout.write(render(report, format, environment));
  return exitStatus(report, failOn);
}

/** `--aws-managed-baseline`: the severity of findings only AWS's recommended managed policies cause. */
function parseBaseline(value: string | undefined): BaselineSeverity {
  if (value === undefined) return 'info';
  const severity = BASELINE_SEVERITIES.find((candidate) => candidate === value.toLowerCase());
  if (severity === undefined) {
    throw new UsageProblem(
      `--aws-managed-baseline "${value}" is not one of ${BASELINE_SEVERITIES.join(', ')}`,
    );
  }
  return severity;
}

/** Imported on demand: the YAML parser it brings is not worth loading for the audits that have no file. */
async function loadSuppressions(path: string): Promise<readonly Suppression[]> {
  const { loadSuppressionsFile } = await import('../adapters/suppressions-file/load-suppressions-file.js');
  return loadSuppressionsFile(path);
}

/**
 * The regions of a live audit or export: `--region` given once or more, each a region or a comma-separated
 * list; `--all-regions` asks the account which regions are enabled. `undefined`: the SDK's default region.
 */
async function regionsOf(
  values: { from?: string; region?: string[]; 'all-regions'?: boolean; profile?: string },
  environment: CliEnvironment,
): Promise<readonly string[] | undefined> {
  const listed = [...new Set((values.region ?? []).flatMap(splitNames))];
  if (values['all-regions']) {
    if (listed.length > 0)
      throw new UsageProblem('--all-regions reads every enabled region: leave out --region');
    if (values.from !== undefined) return undefined;
    const enabled = (environment.live ?? liveAdapters).enabledRegions;
    if (!enabled) throw new UsageProblem('--all-regions is not available in this build');
    return enabled({ ...(values.profile !== undefined ? { profile: values.profile } : {}) });
  }
  for (const region of listed) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
      throw new UsageProblem(`--region "${region}" is not a region name (such as eu-west-1)`);
  }
  return listed.length > 0 ? listed : undefined;
}

function withoutRegion<T extends { region?: unknown }>(values: T): Omit<T, 'region'> {
  const { region: _region, ...rest } = values;
  return rest;
}

/** Template mode is meant for one region: `--region R` once (the template's region), never a list. */
function templateRegion(region: readonly string[] | undefined): { region?: string } {
  const listed = [...new Set((region ?? []).flatMap(splitNames))];
  if (listed.length > 1) throw new UsageProblem('--region names one region in template mode');
  return listed.length === 1 ? { region: listed[0] as string } : {};
}

/** One region as `region` (what the adapters always took), several as `regions`. */
function regionOptions(regions: readonly string[] | undefined): {
  region?: string;
  regions?: readonly string[];
} {
  if (regions === undefined || regions.length === 0) return {};
  return regions.length === 1 ? { region: regions[0] as string } : { regions };
}

async function chooseSource(
  values: {
    from?: string;
    regions?: readonly string[] | undefined;
    profile?: string;
    'all-regions'?: boolean;
  },
  environment: CliEnvironment,
  log: (message: string) => void,
  showProgress: boolean,
): Promise<AccountSource> {
  if (values.from !== undefined) {
    if (values.regions !== undefined || values.profile !== undefined || values['all-regions']) {
      log(
        'warning: --region and --profile apply to a live audit (as does --all-regions); with --from they are ignored',
      );
    }
    return new ExportFolderSource(values.from);
  }
  const create = (environment.live ?? liveAdapters).createLiveSource;
  if (!create) {
    throw new UsageProblem(
      'a live audit (audit without --from) is not available in this build; audit an export folder with --from DIR',
    );
  }
  return create({
    ...regionOptions(values.regions),
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
    ...(showProgress ? { progress: environment.stderr } : {}),
  });
}

async function exportCommand(
  args: readonly string[],
  environment: CliEnvironment,
  log: (message: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: EXPORT_OPTIONS,
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    environment.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (!values.to) throw new UsageProblem('export needs --to DIR, the folder to write');
  const exportAccount = (environment.live ?? liveAdapters).exportAccount;
  if (!exportAccount) throw new UsageProblem('export (from a live account) is not available in this build');
  const regions = await regionsOf(values, environment);
  await exportAccount({
    to: values.to,
    log,
    ...regionOptions(regions),
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
  });
  return EXIT.ok;
}

function render(report: Report, format: Format, environment: CliEnvironment): string {
  switch (format) {
    case 'json':
      // Indented for a person at a terminal; compact for a pipe, where it is 40% smaller and faster to write.
      return `${environment.stdout.isTTY === true ? JSON.stringify(report, null, 2) : JSON.stringify(report)}\n`;
    case 'markdown':
      return formatMarkdown(report);
    case 'sarif':
      return `${JSON.stringify(formatSarif(report))}\n`;
    case 'table':
      return formatTable(
        report,
        createPaint(wantsColour(environment.env, environment.stdout.isTTY === true)),
      );
  }
}

/** `--function-budget-ms`: a whole number of milliseconds, 0 included (every function then times out). */
function parseBudget(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value.trim())) {
    throw new UsageProblem(`--function-budget-ms "${value}" is not a whole number of milliseconds`);
  }
  return Number(value.trim());
}

/** Table for a person at a terminal; JSON when the output goes to a pipe or a file (a script reads it). */
function parseFormat(value: string | undefined, isTTY: boolean): Format {
  if (value === undefined) return isTTY ? 'table' : 'json';
  const format = FORMATS.find((candidate) => candidate === value.toLowerCase());
  if (!format) throw new UsageProblem(`--format "${value}" is not one of ${FORMATS.join(', ')}`);
  return format;
}

type ParseArgsToken =
  | { kind: 'option'; name: string; value?: string | undefined; inlineValue?: boolean | undefined }
  | { kind: 'positional'; value: string }
  | { kind: 'option-terminator' };

/**
 * `--function a --function b`, `--function a,b` and `--function a b c` all name functions a, b (and c):
 * positionals are accepted only right after a --function value, so a stray word is still an error.
 */
function collectFunctionNames(tokens: readonly ParseArgsToken[]): string[] {
  const names: string[] = [];
  let afterFunction = false;
  for (const token of tokens) {
    if (token.kind === 'option') {
      afterFunction = token.name === 'function';
      if (afterFunction && token.value !== undefined) names.push(...splitNames(token.value));
    } else if (token.kind === 'positional') {
      if (!afterFunction) throw new UsageProblem(`unexpected argument "${token.value}"`);
      names.push(...splitNames(token.value));
    } else {
      afterFunction = false;
    }
  }
  return [...new Set(names)];
}

function splitNames(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

function isParseArgsError(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('ERR_PARSE_ARGS_')
  );
}
