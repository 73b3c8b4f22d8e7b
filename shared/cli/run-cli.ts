/**
 * The command line (see the contract's "Command line"): parses arguments, calls the audit use case,
 * prints the report in the chosen format and turns the outcome into the exit status. Everything with a
 * side effect comes in through `CliEnvironment`, so tests run it in-process.
 */
import { loadActionCatalog } from '../adapters/action-catalog/load-action-catalog.js';
import { loadAwsManagedPolicies } from '../adapters/aws-managed-policies/load-aws-managed-policies.js';
import { ExportFolderSource } from '../adapters/export-folder/export-folder-source.js';
import { runAudit } from '../app/run-audit.js';
import { InputError, UsageError } from '../domain/errors.js';
import type { AccountSnapshot, AccountSource } from '../domain/model.js';
import type { ActionCatalog } from '../domain/policy/action-catalog.js';
import type { FunctionResult, Report } from '../domain/report.js';
import { BASELINE_SEVERITIES, type BaselineSeverity } from '../domain/rules/managed-baseline.js';
import { parseTagSuppressionPolicy, type Suppression } from '../domain/suppressions.js';
import { type ArgumentToken, parseArguments } from './arguments.js';
import { EXIT, exitStatus, type FailOn, functionFails, parseFailOn } from './exit-status.js';
import { terminalText } from './format/escape.js';
import { formatMarkdown } from './format/format-markdown.js';
import { formatSarif } from './format/format-sarif.js';
import { DEFAULT_WIDTH, formatTable } from './format/format-table.js';
import type { SourceLink } from './format/function-sources.js';
import { JsonItems, type JsonStreamOptions, writeJson } from './format/json-stream.js';
import { createPaint, wantsColour } from './format/terminal-colour.js';
import { AUDIT_HELP, COMMAND_HELP, EXPORT_HELP, renderHelp, TOOL_HELP, valueNamesOf } from './help.js';
import { type LiveAdapters, liveAdapters } from './live-adapters.js';
import { explainLiveError, liveContext } from './live-error.js';
import { didYouMean } from './suggest.js';

export interface OutputStream {
  write(text: string): unknown;
  /** Writes bytes (UTF-8 text) after everything written before; where present, large JSON is streamed. */
  writeBytes?(bytes: Uint8Array): unknown;
  readonly isTTY?: boolean;
  /** A terminal's width (Node sets it on a TTY stream). */
  readonly columns?: number;
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
const FORMATS = ['table', 'json', 'markdown', 'sarif', 'html'] as const;
type Format = (typeof FORMATS)[number];

export const AUDIT_OPTIONS = {
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

export const EXPORT_OPTIONS = {
  to: { type: 'string' },
  region: { type: 'string', multiple: true },
  'all-regions': { type: 'boolean' },
  profile: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Bad usage: reported with a pointer to the command's --help, exit 2. */
class UsageProblem extends UsageError {
  constructor(message: string, command = 'audit') {
    super(message, command);
  }
}

const COMMANDS = ['audit', 'export', 'help'] as const;

/** Runs one command line and returns its exit status. Never throws. */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  // Messages quote account values (function names, ARNs, file entries): each line goes through the
  // terminal's escaping, so that none can repaint the screen or forge a line. A message of several lines
  // (a YAML error quotes the file) keeps them under the first, indented, so that it reads as one entry.
  const log = (message: string): void => {
    const lines = message
      .split('\n')
      .map(terminalText)
      .filter((line) => line.trim() !== '');
    environment.stderr.write(`${TOOL_NAME}: ${lines.join('\n  ')}\n`);
  };
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      environment.stderr.write(renderHelp(TOOL_HELP));
      return EXIT.unusable;
    }
    if (command === '--help' || command === '-h') {
      environment.stdout.write(renderHelp(TOOL_HELP));
      return EXIT.ok;
    }
    if (command === 'help') return helpCommand(rest, environment);
    if (command === '--version' || command === '-v') {
      environment.stdout.write(`${environment.version}\n`);
      return EXIT.ok;
    }
    if (command === 'audit') return await auditCommand(rest, environment, log);
    if (command === 'export') return await exportCommand(rest, environment, log);
    if (command.startsWith('-')) {
      throw new UsageError(
        `${command} is not a command: put the command first, as in ${TOOL_NAME} audit ${command}`,
      );
    }
    throw new UsageError(
      `unknown command "${command}"${didYouMean(command, COMMANDS) || ': the commands are audit and export'}`,
    );
  } catch (error: unknown) {
    if (error instanceof UsageError) {
      const help =
        error.command === undefined ? `${TOOL_NAME} --help` : `${TOOL_NAME} ${error.command} --help`;
      log(`${error.message} (see ${help})`);
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

/** `help`, `help audit`, `help export`. */
function helpCommand(args: readonly string[], environment: CliEnvironment): number {
  const [topic, ...extra] = args;
  if (topic === undefined) {
    environment.stdout.write(renderHelp(TOOL_HELP));
    return EXIT.ok;
  }
  const help = COMMAND_HELP[topic];
  if (help === undefined || extra.length > 0) {
    throw new UsageError(
      `no help for "${args.join(' ')}"${didYouMean(topic, Object.keys(COMMAND_HELP)) || ': try help audit or help export'}`,
    );
  }
  environment.stdout.write(renderHelp(help));
  return EXIT.ok;
}

async function auditCommand(
  args: readonly string[],
  environment: CliEnvironment,
  log: (message: string) => void,
): Promise<number> {
  const { values, tokens } = parseArguments('audit', args, AUDIT_OPTIONS, valueNamesOf(AUDIT_HELP));
  if (values.help) {
    environment.stdout.write(renderHelp(AUDIT_HELP));
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
  const chosen =
    templateMode?.source ??
    (await chooseSource(
      { ...values, regions: await regionsOf(values, environment) },
      environment,
      log,
      format !== 'json' && environment.stderr.isTTY === true,
    ));
  // The HTML report draws each function's event sources, which the report does not list: keep what was read.
  const snapshots: AccountSnapshot[] = [];
  const source: AccountSource =
    format === 'html'
      ? {
          load: async (scope) => {
            const snapshot = await chosen.load(scope);
            snapshots.push(snapshot);
            return snapshot;
          },
        }
      : chosen;
  // JSON of an audit (not a template's, which is annotated whole) is rendered function by function as the
  // audit goes, kept as bytes, and spliced into the report when it is written: the same bytes, a fraction
  // of the memory. Only where stdout takes bytes (the real CLI's).
  const writeBytes = environment.stdout.writeBytes?.bind(environment.stdout);
  const streamed =
    format === 'json' && templateMode === undefined && writeBytes !== undefined
      ? { items: new JsonItems(jsonIndent(environment.stdout), 1), failing: false, writeBytes }
      : undefined;
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
    ...(streamed === undefined
      ? {}
      : {
          onFunction: (result: FunctionResult) => {
            streamed.items.add(result);
            if (!streamed.failing) streamed.failing = functionFails(result, failOn);
          },
        }),
  });
  const report = templateMode ? templateMode.annotate(audited) : audited;

  for (const error of report.errors ?? []) {
    const who =
      error.functionName && !error.message.includes(error.functionName) ? `${error.functionName}: ` : '';
    log(`warning: ${who}${error.message}`);
  }
  for (const warning of report.warnings ?? []) log(`warning: ${warning.message}`);
  if (format === 'json' || format === 'sarif')
    writeJsonReport(
      report,
      format,
      environment.stdout,
      streamed && { at: report.functions, items: streamed.items, writeBytes: streamed.writeBytes },
    );
  else
    environment.stdout.write(
      format === 'html' ? await renderHtml(report, snapshots) : render(report, format, environment),
    );
  return exitStatus(report, failOn, streamed?.failing);
}

/** `--aws-managed-baseline`: the severity of findings only AWS's recommended managed policies cause. */
function parseBaseline(value: string | undefined): BaselineSeverity {
  if (value === undefined) return 'info';
  const severity = BASELINE_SEVERITIES.find((candidate) => candidate === value.toLowerCase());
  if (severity === undefined) {
    throw new UsageProblem(
      `--aws-managed-baseline "${value}" is not one of ${BASELINE_SEVERITIES.join(', ')}${didYouMean(value, BASELINE_SEVERITIES)}`,
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
    try {
      return await enabled({ ...(values.profile !== undefined ? { profile: values.profile } : {}) });
    } catch (error: unknown) {
      // DescribeRegions is the first call to AWS: a missing profile or credentials fail here.
      throw explainLiveError(error, liveContext(regionsAndProfile(values), environment.env));
    }
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
  const live = await create({
    ...regionOptions(values.regions),
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
    ...(showProgress ? { progress: environment.stderr } : {}),
  });
  return withLiveContext(live, values, environment);
}

async function exportCommand(
  args: readonly string[],
  environment: CliEnvironment,
  log: (message: string) => void,
): Promise<number> {
  const { values, tokens } = parseArguments('export', args, EXPORT_OPTIONS, valueNamesOf(EXPORT_HELP));
  if (values.help) {
    environment.stdout.write(renderHelp(EXPORT_HELP));
    return EXIT.ok;
  }
  const stray = tokens.find((token) => token.kind === 'positional');
  if (stray) throw new UsageProblem(`unexpected argument "${stray.value}"`, 'export');
  if (!values.to) throw new UsageProblem('export needs --to DIR, the folder to write', 'export');
  const exportAccount = (environment.live ?? liveAdapters).exportAccount;
  if (!exportAccount) throw new UsageProblem('export (from a live account) is not available in this build');
  const regions = await regionsOf(values, environment);
  try {
    await exportAccount({
      to: values.to,
      log,
      ...regionOptions(regions),
      ...(values.profile !== undefined ? { profile: values.profile } : {}),
    });
  } catch (error: unknown) {
    throw explainLiveError(error, liveContext(regionsAndProfile({ ...values, regions }), environment.env));
  }
  return EXIT.ok;
}

/** The regions (as read from `--region` or `--all-regions`) and `--profile` a live read uses. */
function regionsAndProfile(values: { regions?: readonly string[] | undefined; profile?: string }): {
  regions?: readonly string[];
  profile?: string;
} {
  return {
    ...(values.regions === undefined ? {} : { regions: values.regions }),
    ...(values.profile === undefined ? {} : { profile: values.profile }),
  };
}

/** The live source, whose failures name the profile and region they used (live-error.ts). */
function withLiveContext(
  source: AccountSource,
  values: { regions?: readonly string[] | undefined; profile?: string },
  environment: CliEnvironment,
): AccountSource {
  return {
    load: async (scope) => {
      try {
        return await source.load(scope);
      } catch (error: unknown) {
        throw explainLiveError(error, liveContext(regionsAndProfile(values), environment.env));
      }
    },
  };
}

/** Imported on demand, as the YAML parser is: only `--format html` needs it. */
async function renderHtml(report: Report, snapshots: readonly AccountSnapshot[]): Promise<string> {
  const [{ formatHtml }, { functionSources }] = await Promise.all([
    import('./format/format-html.js'),
    import('./format/function-sources.js'),
  ]);
  const sources = new Map<string, SourceLink[]>();
  for (const snapshot of snapshots) {
    for (const [name, links] of functionSources(snapshot))
      sources.set(name, [...(sources.get(name) ?? []), ...links]);
  }
  return formatHtml(report, { sources });
}

/**
 * JSON and SARIF are written in pieces (json-stream.ts), never as one string: the bytes are JSON.stringify's.
 * JSON is indented for a person at a terminal; compact for a pipe, where it is 40% smaller and faster to write.
 */
function writeJsonReport(
  report: Report,
  format: 'json' | 'sarif',
  stdout: OutputStream,
  splice?: JsonStreamOptions['splice'],
): void {
  const write = (text: string): void => {
    stdout.write(text);
  };
  // Pieces of a few KiB: a function's JSON goes to the stream as JSON.stringify made it (main.ts stages bytes).
  const chunkSize = 4096;
  if (format === 'sarif') writeJson(formatSarif(report), write, { depth: 4, chunkSize });
  else writeJson(report, write, { indent: jsonIndent(stdout), chunkSize, ...(splice ? { splice } : {}) });
  stdout.write('\n');
}

function jsonIndent(stdout: OutputStream): number {
  return stdout.isTTY === true ? 2 : 0;
}

function render(
  report: Report,
  format: Exclude<Format, 'html' | 'json' | 'sarif'>,
  environment: CliEnvironment,
): string {
  switch (format) {
    case 'markdown':
      return formatMarkdown(report);
    case 'table':
      return formatTable(
        report,
        createPaint(wantsColour(environment.env, environment.stdout.isTTY === true)),
        tableWidth(environment),
      );
  }
}

/** The terminal's width; in a pipe, COLUMNS when set (as `COLUMNS=100 … | less`), else 80. */
function tableWidth(environment: CliEnvironment): number {
  const { stdout, env } = environment;
  if (stdout.isTTY === true && typeof stdout.columns === 'number' && stdout.columns > 0)
    return stdout.columns;
  const columns = Number.parseInt(env.COLUMNS ?? '', 10);
  return Number.isInteger(columns) && columns > 0 ? columns : DEFAULT_WIDTH;
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
  if (!format) {
    throw new UsageProblem(
      `--format "${value}" is not one of ${FORMATS.join(', ')}${didYouMean(value, FORMATS)}`,
    );
  }
  return format;
}

/**
 * `--function a --function b`, `--function a,b` and `--function a b c` all name functions a, b (and c):
 * positionals are accepted only right after a --function value, so a stray word is still an error.
 */
function collectFunctionNames(tokens: readonly ArgumentToken[]): string[] {
  const names: string[] = [];
  let afterFunction = false;
  for (const token of tokens) {
    if (token.kind === 'option') {
      afterFunction = token.name === 'function';
      if (afterFunction && token.value !== undefined) names.push(...splitNames(token.value));
    } else if (token.kind === 'positional') {
      if (!afterFunction) throw new UsageProblem(unexpectedArgument(token.value));
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

/** A word where an option was expected: most often a function name without --function. */
function unexpectedArgument(value: string): string {
  return `unexpected argument "${value}" (to audit only that function: --function ${value})`;
}
