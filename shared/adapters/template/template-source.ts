/**
 * Template mode's account source: CloudFormation and SAM templates, and the stacks of a CDK cloud
 * assembly, read as the account they would deploy. What the templates reference but do not define (a
 * role given by ARN, a customer managed policy) is read from `outside` when given (an export folder or
 * the live account) and otherwise marked unresolved, so that the verdicts that depend on it are
 * `unverifiable`. AWS managed policies are known without an account (the shipped asset).
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { InputError } from '../../domain/errors.js';
import type {
  AccountScope,
  AccountSnapshot,
  AccountSource,
  EventInvokeConfig,
  EventSourceMapping,
  FunctionConfiguration,
  ManagedPolicy,
  PolicyProblem,
  Role,
} from '../../domain/model.js';
import type { Finding, FunctionResult, Report, TemplateLocation } from '../../domain/report.js';
import { decodeText } from '../text-file/decode-text.js';
import { type CdkStackTemplate, readCloudAssembly } from './cdk-assembly.js';
import { isObject, type ParsedTemplate, parseTemplate } from './parse-template.js';
import { readTemplate, statementKey, type TemplateLocations, type TemplatePieces } from './read-template.js';
import { partitionOf } from './resource-naming.js';
import { isSamTemplate, transformSam } from './sam-transform.js';

export const DEFAULT_TEMPLATE_ACCOUNT = '123456789012';
export const DEFAULT_TEMPLATE_REGION = 'us-east-1';

export interface TemplateSourceOptions {
  /** `--template FILE`, in order. */
  readonly templates: readonly string[];
  /** `--cdk-out DIR`. */
  readonly cdkOut?: string;
  readonly parameters?: ReadonlyMap<string, string>;
  readonly account?: string;
  readonly region?: string;
  /** Where roles and policies the templates do not define are read (`--from DIR`, live credentials). */
  readonly outside?: AccountSource;
  /** Told what a person should know: a value that cannot be resolved, a resource skipped. */
  readonly warn?: (message: string) => void;
  /** The ARN path of an AWS managed policy name (SAM `Policies: [AmazonS3ReadOnlyAccess]`). */
  readonly awsManagedPolicyPath?: (name: string) => string | undefined;
}

const OUTSIDE_REASON = 'defined outside the template';

interface TemplateInput {
  readonly file: string;
  readonly stackName: string;
  readonly cdkStack?: string;
  readonly text?: string;
  readonly parsed?: ParsedTemplate;
}

export class TemplateSource implements AccountSource {
  /** Where each function, mapping and statement is defined; filled by `load`. */
  readonly locations: TemplateLocations = {
    functions: new Map(),
    mappings: new Map(),
    invokeConfigs: new Map(),
    roles: new Map(),
    statements: new Map(),
  };

  constructor(private readonly options: TemplateSourceOptions) {}

  async load(_scope: AccountScope): Promise<AccountSnapshot> {
    const account = this.options.account ?? DEFAULT_TEMPLATE_ACCOUNT;
    const region = this.options.region ?? DEFAULT_TEMPLATE_REGION;
    if (!/^[0-9]{12}$/.test(account))
      throw new InputError(`--account "${account}" is not a 12-digit AWS account ID`);
    const partition = partitionOf(region);
    const warn = this.options.warn ?? (() => undefined);

    const inputs: TemplateInput[] = [];
    for (const file of this.options.templates) {
      inputs.push({ file, stackName: stackNameOf(file), text: await readText(file) });
    }
    if (this.options.cdkOut !== undefined) {
      const stacks: CdkStackTemplate[] = await readCloudAssembly(this.options.cdkOut);
      for (const stack of stacks)
        inputs.push({
          file: stack.file,
          stackName: stack.stackName,
          cdkStack: stack.displayName,
          text: stack.text,
        });
    }
    if (inputs.length === 0) throw new InputError('template mode needs --template FILE or --cdk-out DIR');

    const functions: FunctionConfiguration[] = [];
    const mappings: EventSourceMapping[] = [];
    const invokeConfigs: EventInvokeConfig[] = [];
    const roles = new Map<string, Role>();
    const managedPolicies = new Map<string, ManagedPolicy>();
    const unresolved = new Map<string, string>();
    const policyProblems: PolicyProblem[] = [];
    for (const input of inputs) {
      let parsed = parseTemplate(input.file, input.text ?? '');
      if (!isObject(parsed.body.Resources)) {
        warn(`${input.file}: the template has no Resources`);
        continue;
      }
      if (isSamTemplate(parsed.body)) {
        const transformed = transformSam(parsed, {
          account,
          region,
          partition,
          parameters: this.options.parameters ?? new Map(),
          ...(this.options.awsManagedPolicyPath
            ? { awsManagedPolicyPath: this.options.awsManagedPolicyPath }
            : {}),
        });
        for (const message of transformed.warnings) warn(message);
        parsed = transformed.template;
      }
      const pieces: TemplatePieces = readTemplate(parsed, {
        account,
        region,
        partition,
        parameters: this.options.parameters ?? new Map(),
        stackName: input.stackName,
        ...(input.cdkStack === undefined ? {} : { cdkStack: input.cdkStack }),
      });
      for (const message of pieces.warnings) warn(message);
      functions.push(...pieces.functions);
      mappings.push(...pieces.mappings);
      invokeConfigs.push(...pieces.invokeConfigs);
      for (const [arn, role] of pieces.roles) roles.set(arn, role);
      for (const [arn, policy] of pieces.managedPolicies) managedPolicies.set(arn, policy);
      for (const [arn, reason] of pieces.unresolvedRoles) unresolved.set(arn, reason);
      policyProblems.push(...pieces.policyProblems);
      for (const key of Object.keys(this.locations) as (keyof TemplateLocations)[]) {
        for (const [k, v] of pieces.locations[key]) this.locations[key].set(k, v);
      }
    }

    // What the templates reference but do not define: from outside, or unresolved.
    const wantedRoles = new Set(
      functions.map((fn) => fn.Role).filter((arn) => !roles.has(arn) && !unresolved.has(arn)),
    );
    const wantedPolicies = new Set<string>();
    const collectPolicies = (role: Role): void => {
      for (const attached of role.AttachedManagedPolicies) wantedPolicies.add(attached.PolicyArn);
      if (role.PermissionsBoundary) wantedPolicies.add(role.PermissionsBoundary.PermissionsBoundaryArn);
    };
    for (const role of roles.values()) collectPolicies(role);
    let outside: AccountSnapshot | undefined;
    if (
      this.options.outside !== undefined &&
      (wantedRoles.size > 0 ||
        [...wantedPolicies].some((arn) => !managedPolicies.has(arn) && !isAwsManaged(arn)))
    ) {
      outside = await this.options.outside.load({});
    }
    for (const arn of wantedRoles) {
      const role = outside?.roles.get(arn);
      if (role !== undefined) {
        roles.set(arn, role);
        collectPolicies(role);
      } else
        unresolved.set(
          arn,
          outside === undefined
            ? OUTSIDE_REASON
            : `${OUTSIDE_REASON}, and not found in ${describeOutside(outside)}`,
        );
    }
    for (const arn of wantedPolicies) {
      if (managedPolicies.has(arn) || isAwsManaged(arn)) continue;
      const policy = outside?.managedPolicies.get(arn);
      if (policy !== undefined) managedPolicies.set(arn, policy);
      else
        unresolved.set(
          arn,
          outside === undefined
            ? OUTSIDE_REASON
            : `${OUTSIDE_REASON}, and not found in ${describeOutside(outside)}`,
        );
    }

    const names = new Map<string, string>();
    for (const fn of functions) {
      const where = this.locations.functions.get(fn.FunctionArn);
      const other = names.get(fn.FunctionName);
      if (other !== undefined)
        warn(
          `${where?.file ?? ''}: the function name ${fn.FunctionName} is defined twice (also in ${other}); give one a FunctionName`,
        );
      names.set(fn.FunctionName, where?.file ?? '');
    }

    return {
      source: {
        kind: 'template',
        account,
        region,
        path: this.options.templates[0] ?? this.options.cdkOut ?? '',
      },
      functions,
      eventSourceMappings: mappings,
      eventInvokeConfigs: invokeConfigs,
      roles,
      managedPolicies,
      readErrors: outside?.readErrors ?? [],
      unresolved,
      policyProblems,
    };
  }
}

function isAwsManaged(arn: string): boolean {
  return arn.includes(':iam::aws:policy/');
}

function describeOutside(snapshot: AccountSnapshot): string {
  return snapshot.source.kind === 'export'
    ? `the export folder ${snapshot.source.path ?? ''}`
    : 'the account';
}

function stackNameOf(file: string): string {
  const name = basename(file, extname(file)).replace(/[^A-Za-z0-9-]/g, '-');
  return name === '' ? 'stack' : name;
}

async function readText(file: string): Promise<string> {
  try {
    return decodeText(await readFile(file), file);
  } catch (error: unknown) {
    if (error instanceof InputError) throw error;
    // Errors from node:fs may come from another realm (a test's VM): read their code, not their class.
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'a folder, not a file'
          : String((error as { message?: unknown } | null)?.message ?? error);
    throw new InputError(`cannot read the template ${file}: ${reason}`, { cause: error });
  }
}

/** Where a finding comes from: the statement, the mapping, or else the function. */
function findingLocation(
  finding: Finding,
  fn: FunctionResult,
  locations: TemplateLocations,
): TemplateLocation | undefined {
  const cause = finding.cause;
  const own = locations.functions.get(fn.functionArn);
  if (cause === undefined) return own;
  if (cause.kind === 'event-source-mapping') return locations.mappings.get(cause.uuid) ?? own;
  if (cause.kind === 'policy' || cause.kind === 'trust-policy') {
    const source = cause.kind === 'trust-policy' ? 'trust' : (cause.policy ?? '');
    const statement = cause.statement ?? '';
    const managed = source.startsWith('boundary:') ? source.slice('boundary:'.length) : source;
    return (
      locations.statements.get(statementKey(fn.roleArn, source, statement)) ??
      locations.statements.get(statementKey('', managed, statement)) ??
      locations.roles.get(fn.roleArn) ??
      own
    );
  }
  return own;
}

/** The report with each function's and each finding's place in the templates. */
export function annotateReport(report: Report, locations: TemplateLocations): Report {
  return {
    ...report,
    functions: report.functions.map((fn) => {
      const own = locations.functions.get(fn.functionArn);
      return {
        ...fn,
        ...(own === undefined ? {} : { template: own }),
        findings: fn.findings.map((finding) => {
          const where = findingLocation(finding, fn, locations);
          return where === undefined ? finding : { ...finding, template: where };
        }),
      };
    }),
  };
}
