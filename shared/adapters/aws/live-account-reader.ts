/**
 * Reads a live account through the SDK and keeps what the APIs returned, in their own shapes (the shapes
 * the AWS CLI prints), so that one read feeds both the audit (live-snapshot.ts) and the export folder
 * (export-writer.ts). Two ways, chosen by the work at hand:
 *
 * - the whole account: GetAccountAuthorizationDetails (roles and customer managed policies),
 *   ListFunctions and ListEventSourceMappings without a filter, all paginated, so that calls grow with
 *   pages rather than functions. Two things still grow with the account: ListFunctionEventInvokeConfigs
 *   (one call per function: Lambda has no account-wide listing of them) and GetPolicy + GetPolicyVersion
 *   for each AWS managed policy the roles attach (once per distinct policy; see `readAccount`).
 * - a few functions: per-function calls, at most 5 + k + 2m for one function whose role has k inline
 *   and m attached managed policies (2 more with a permissions boundary), 5 + k + m once the managed
 *   policy versions are cached, plus the account's mappings: one ListEventSourceMappings listing per read
 *   (a page per 100 mappings), whatever the number of functions. Lambda documents the FunctionName filter
 *   as selecting the mappings of a function, a version or an alias; a mapping on a version or alias is the
 *   version's or alias's, so only the unfiltered listing finds every mapping a function's versions use.
 *
 * Both then read, for what they found: the versions and aliases that qualified mappings and invoke configs
 * name (version-reader.ts: nothing for functions without such targets), and — when the clients are given —
 * the encryption attributes of the queues, streams, topics and secrets the functions use and the keys
 * those name (encryption-reader.ts: one call per resource, one DescribeKey per key reference).
 * IAM is global: readers of several regions in one run share an `IamReads`, so that the account's
 * authorization details, each role and each managed policy are read once.
 *
 * Faults: a failure of an account-wide list call throws `LiveAccountReadError` (nothing can be audited);
 * every other failure becomes a `ReadError` for the functions, role or policy concerned. A role that does
 * not exist is not a failure: it is absent, and the audit reports `role-unavailable`.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  type GetRoleCommandOutput,
  GetRolePolicyCommand,
  type IAMClient,
  type ManagedPolicyDetail,
  type PolicyDetail,
  type PolicyVersion,
  paginateGetAccountAuthorizationDetails,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import {
  type AliasConfiguration,
  type EventSourceMappingConfiguration,
  type FunctionEventInvokeConfig,
  GetFunctionConfigurationCommand,
  type FunctionConfiguration as LambdaFunctionConfiguration,
  paginateListEventSourceMappings,
  paginateListFunctionEventInvokeConfigs,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import type {
  EventInvokeConfig,
  EventSourceMapping,
  FunctionConfiguration,
  ReadError,
} from '../../domain/model.js';
import { encryptedResourcesOf } from '../../domain/requirements/encryption.js';
import {
  eventInvokeConfigSchema,
  eventSourceMappingSchema,
  type ResourceEncryptionFile,
} from '../export-folder/export-folder-schemas.js';
import { awsErrorKind, describeAwsError, isUnansweredRequest, LiveAccountReadError } from './aws-errors.js';
import type { AwsClients } from './clients.js';
import { type EncryptionClients, readResourceEncryption } from './encryption-reader.js';
import { type PolicyVersionCache, processPolicyVersionCache } from './policy-version-cache.js';
import { readVersionsAndAliases } from './version-reader.js';

/** A live read, in the APIs' own shapes. */
export interface LiveAccountData {
  readonly region: string;
  /** `account`: everything (what `export` writes); `functions`: only the named functions and their roles. */
  readonly coverage: 'account' | 'functions';
  readonly authorizationDetails: {
    readonly RoleDetailList: readonly RoleDetail[];
    readonly Policies: readonly ManagedPolicyDetail[];
  };
  readonly functions: readonly LambdaFunctionConfiguration[];
  readonly eventSourceMappings: readonly EventSourceMappingConfiguration[];
  readonly eventInvokeConfigs: readonly FunctionEventInvokeConfig[];
  /** Published versions that qualified mappings and invoke configs name (GetFunctionConfiguration answers). */
  readonly versions?: readonly LambdaFunctionConfiguration[];
  /** The aliases of the functions whose mappings or invoke configs name an alias (ListAliases items). */
  readonly aliases?: readonly AliasConfiguration[];
  /** `resource-encryption.json`; absent when the reader was given no clients to read it with. */
  readonly resourceEncryption?: ResourceEncryptionFile;
  readonly readErrors: readonly ReadError[];
}

export type LiveReadPhase =
  | 'roles'
  | 'functions'
  | 'event-source-mappings'
  | 'managed-policies'
  | 'event-invoke-configs'
  | 'function-tags'
  | 'encryption';

/** `total` is known once a phase knows its size (list calls learn it page by page). */
export interface LiveReadProgress {
  readonly phase: LiveReadPhase;
  readonly done: number;
  readonly total?: number;
}

export interface LiveAccountReaderOptions {
  /** With the encryption clients, the read includes the keys of the resources the functions use. */
  readonly clients: Pick<AwsClients, 'iam' | 'lambda'> & Partial<EncryptionClients>;
  /** IAM reads shared with the readers of other regions of the same run. */
  readonly iamReads?: IamReads;
  /** Functions, roles and policies read at once; the request limits (request-limits.ts) still apply. */
  readonly concurrency?: number;
  /** Managed policy versions by (arn, versionId); default: one cache for the whole process. */
  readonly policyCache?: PolicyVersionCache;
  readonly onProgress?: (progress: LiveReadProgress) => void;
  /** The account's functions when the caller has listed them already (the change handler's batch). */
  readonly listFunctions?: () => Promise<readonly LambdaFunctionConfiguration[]>;
  /** The account's mappings when the caller has listed them already (the change handler's batch). */
  readonly listEventSourceMappings?: () => Promise<readonly EventSourceMappingConfiguration[]>;
}

export const DEFAULT_READ_CONCURRENCY = 8;

/**
 * From this many named functions on, their configurations and mappings come from the account-wide
 * lists (ListFunctions, ListEventSourceMappings: one call per page of 50 and 100) instead of two calls per
 * function. A change to a role shared by 100 functions then costs about 105 Lambda calls instead of 300.
 */
export const BULK_READ_THRESHOLD = 10;

/** The last path segment of a role ARN is its name: `arn:aws:iam::1:role/service-role/x` → `x`. */
export function roleNameFromArn(roleArn: string): string {
  const resource = roleArn.split(':').slice(5).join(':');
  const slash = resource.lastIndexOf('/');
  return slash >= 0 ? resource.slice(slash + 1) : resource;
}

/** Runs `task` over `items`, `limit` at a time, results in input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

interface Failure {
  readonly resource: string;
  readonly message: string;
}

export interface ManagedPolicyRead {
  readonly detail?: ManagedPolicyDetail;
  readonly failure?: Failure;
}

interface AuthorizationDetails {
  RoleDetailList: RoleDetail[];
  Policies: ManagedPolicyDetail[];
}

/**
 * IAM reads of one run, shared by the readers of every region it covers (IAM is global): the account's
 * authorization details, each managed policy and each role, read once.
 */
export class IamReads {
  authorizationDetails?: Promise<AuthorizationDetails>;
  readonly policies = new Map<string, Promise<ManagedPolicyRead>>();
  readonly roles = new Map<string, Promise<RoleRead>>();
}

interface Listed {
  /** Each function by its name and by its ARN. */
  readonly byName: ReadonlyMap<string, LambdaFunctionConfiguration>;
  readonly mappings: readonly EventSourceMappingConfiguration[];
}

export interface RoleRead {
  readonly role?: RoleDetail;
  readonly policies: readonly ManagedPolicyDetail[];
  readonly failures: readonly Failure[];
}

/**
 * The queues, streams, topics and secrets whose keys a read needs: those the functions and versions name
 * as dead-letter targets, and those their mappings and invoke configs use (in the APIs' shapes).
 */
export function encryptedResourcesOfRead(
  functions: readonly LambdaFunctionConfiguration[],
  versions: readonly LambdaFunctionConfiguration[],
  mappings: readonly EventSourceMappingConfiguration[],
  invokeConfigs: readonly FunctionEventInvokeConfig[],
): string[] {
  // Only what the audit would judge: items that do not fit the model are read errors later anyway.
  const parsed = <T>(
    schema: { safeParse(value: unknown): { success: boolean; data?: T } },
    items: readonly unknown[],
  ) =>
    items.flatMap((item) => {
      const result = schema.safeParse(item);
      return result.success && result.data !== undefined ? [result.data] : [];
    });
  // Of a function or version, only its dead-letter target names a resource.
  const deadLetterHolders: FunctionConfiguration[] = [...functions, ...versions].map((fn) => ({
    FunctionName: fn.FunctionName ?? '',
    FunctionArn: fn.FunctionArn ?? '',
    Role: fn.Role ?? '',
    ...(fn.DeadLetterConfig?.TargetArn
      ? { DeadLetterConfig: { TargetArn: fn.DeadLetterConfig.TargetArn } }
      : {}),
  }));
  return encryptedResourcesOf(
    deadLetterHolders,
    parsed<EventSourceMapping>(eventSourceMappingSchema, mappings),
    parsed<EventInvokeConfig>(eventInvokeConfigSchema, invokeConfigs),
  );
}

export class LiveAccountReader {
  private readonly iam: IAMClient;
  private readonly lambda: AwsClients['lambda'];
  private readonly concurrency: number;
  private readonly cache: PolicyVersionCache;

  constructor(private readonly options: LiveAccountReaderOptions) {
    this.iam = options.clients.iam;
    this.lambda = options.clients.lambda;
    this.concurrency = options.concurrency ?? DEFAULT_READ_CONCURRENCY;
    this.cache = options.policyCache ?? processPolicyVersionCache;
  }

  private encryptionClients(): EncryptionClients | undefined {
    const { sqs, kinesis, sns, secretsManager, kms } = this.options.clients;
    return sqs && kinesis && sns && secretsManager && kms
      ? { sqs, kinesis, sns, secretsManager, kms }
      : undefined;
  }

  /**
   * The IAM reads of one read: the caller's (shared by the regions of a run), else fresh ones, so that a
   * reader used twice reads IAM twice (a role may have changed in between).
   */
  private iamReadsOfRun(): IamReads {
    return this.options.iamReads ?? new IamReads();
  }

  /** A managed policy, read once per run (whatever the region asking). */
  private readPolicyOnce(iamReads: IamReads, arn: string): Promise<ManagedPolicyRead> {
    let read = iamReads.policies.get(arn);
    if (!read) {
      read = this.readManagedPolicy(arn);
      iamReads.policies.set(arn, read);
    }
    return read;
  }

  /**
   * What the functions, mappings and invoke configs read lead to: the versions and aliases their
   * qualified targets name, then the keys of the resources they (and those versions) use.
   */
  private async readTargetsAndKeys(
    region: string,
    functions: readonly LambdaFunctionConfiguration[],
    mappings: readonly EventSourceMappingConfiguration[],
    invokeConfigs: readonly FunctionEventInvokeConfig[],
    readErrors: ReadError[],
  ): Promise<Pick<LiveAccountData, 'versions' | 'aliases' | 'resourceEncryption'>> {
    const targets = [...mappings, ...invokeConfigs].flatMap((item) =>
      item.FunctionArn ? [item.FunctionArn] : [],
    );
    const map = <T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>) =>
      mapWithConcurrency(items, limit, (item) => task(item));
    const {
      versions,
      aliases,
      readErrors: versionErrors,
    } = await readVersionsAndAliases(this.lambda, targets, {
      concurrency: this.concurrency,
      map,
    });
    readErrors.push(...versionErrors);
    const clients = this.encryptionClients();
    if (!clients) return { versions, aliases };
    const resources = encryptedResourcesOfRead(functions, versions, mappings, invokeConfigs);
    const resourceEncryption = await readResourceEncryption(clients, resources, {
      region,
      concurrency: this.concurrency,
      map,
      onProgress: (done, total) => this.progress('encryption', done, total),
    });
    return { versions, aliases, resourceEncryption };
  }

  private progress(phase: LiveReadPhase, done: number, total?: number): void {
    this.options.onProgress?.(total === undefined ? { phase, done } : { phase, done, total });
  }

  private async region(): Promise<string> {
    return this.lambda.config.region();
  }

  /**
   * The whole account. GetAccountAuthorizationDetails is asked for roles and customer managed policies
   * only: with `AWSManagedPolicy` it may return every AWS managed policy (moto does: some 1,400 documents,
   * several MB; AWS does not document whether it returns only the attached ones), while a role attaches a
   * handful. Those are fetched one by one (GetPolicy + cached GetPolicyVersion), once per distinct ARN.
   */
  async readAccount(): Promise<LiveAccountData> {
    const iamReads = this.iamReadsOfRun();
    iamReads.authorizationDetails ??= this.listAuthorizationDetails();
    // A failed read is not kept: a later reader of the run asks again (and fails the same way, or not).
    iamReads.authorizationDetails.catch(() => {
      iamReads.authorizationDetails = undefined;
    });
    const [authorizationDetails, functions, eventSourceMappings] = await Promise.all([
      iamReads.authorizationDetails,
      this.listFunctions(),
      this.listEventSourceMappings(),
    ]);
    const readErrors: ReadError[] = [];

    const known = new Set(authorizationDetails.Policies.map((policy) => policy.Arn));
    const missing = [...referencedPolicyArns(authorizationDetails.RoleDetailList)].filter(
      (arn) => !known.has(arn),
    );
    let policiesDone = 0;
    const [fetchedPolicies, invokeConfigs] = await Promise.all([
      mapWithConcurrency(missing, this.concurrency, async (arn) => {
        const read = await this.readPolicyOnce(iamReads, arn);
        policiesDone += 1;
        this.progress('managed-policies', policiesDone, missing.length);
        return read;
      }),
      this.listInvokeConfigsOfAll(functions, readErrors),
    ]);
    // A function deleted since ListFunctions (a stack rolling back, a burst of deploys) is not audited:
    // it no longer exists, so there is nothing to judge and nothing that could not be read.
    const present = functions.filter((fn) => !invokeConfigs.gone.has(fn.FunctionArn ?? ''));
    const policies = [...authorizationDetails.Policies];
    for (const read of fetchedPolicies) {
      if (read.detail) policies.push(read.detail);
      if (read.failure) readErrors.push(read.failure);
    }
    const region = await this.region();
    const extras = await this.readTargetsAndKeys(
      region,
      present,
      eventSourceMappings,
      invokeConfigs.configs,
      readErrors,
    );
    return {
      region,
      coverage: 'account',
      authorizationDetails: { RoleDetailList: authorizationDetails.RoleDetailList, Policies: policies },
      functions: present,
      eventSourceMappings,
      eventInvokeConfigs: invokeConfigs.configs,
      ...extras,
      readErrors,
    };
  }

  private async listAuthorizationDetails(): Promise<AuthorizationDetails> {
    const roles: RoleDetail[] = [];
    const policies: ManagedPolicyDetail[] = [];
    try {
      const pages = paginateGetAccountAuthorizationDetails(
        { client: this.iam },
        { Filter: ['Role', 'LocalManagedPolicy'] },
      );
      for await (const page of pages) {
        roles.push(...(page.RoleDetailList ?? []));
        policies.push(...(page.Policies ?? []));
        this.progress('roles', roles.length);
      }
    } catch (error: unknown) {
      // The operation as AWS spells it: a class's `name` is minified in the bundle ("lc").
      throw new LiveAccountReadError('GetAccountAuthorizationDetails', error);
    }
    for (const policy of policies) this.rememberDefaultVersion(policy);
    return { RoleDetailList: roles, Policies: policies.map(withPolicyName) };
  }

  /** GAAD already carries each customer managed policy's default version: later single reads reuse it. */
  private rememberDefaultVersion(policy: ManagedPolicyDetail): void {
    const version = policy.PolicyVersionList?.find((candidate) => candidate.IsDefaultVersion);
    if (policy.Arn && version?.VersionId && version.Document !== undefined) {
      this.cache.set(policy.Arn, version.VersionId, version);
    }
  }

  private async listFunctions(): Promise<readonly LambdaFunctionConfiguration[]> {
    const functions: LambdaFunctionConfiguration[] = [];
    try {
      if (this.options.listFunctions) return await this.options.listFunctions();
      for await (const page of paginateListFunctions({ client: this.lambda }, {})) {
        functions.push(...(page.Functions ?? []));
        this.progress('functions', functions.length);
      }
    } catch (error: unknown) {
      throw new LiveAccountReadError('ListFunctions', error);
    }
    return functions;
  }

  private async listEventSourceMappings(): Promise<readonly EventSourceMappingConfiguration[]> {
    const mappings: EventSourceMappingConfiguration[] = [];
    try {
      if (this.options.listEventSourceMappings) return await this.options.listEventSourceMappings();
      for await (const page of paginateListEventSourceMappings({ client: this.lambda }, {})) {
        mappings.push(...(page.EventSourceMappings ?? []));
        this.progress('event-source-mappings', mappings.length);
      }
    } catch (error: unknown) {
      throw new LiveAccountReadError('ListEventSourceMappings', error);
    }
    return mappings;
  }

  private async listInvokeConfigsOfAll(
    functions: readonly LambdaFunctionConfiguration[],
    readErrors: ReadError[],
  ): Promise<{ configs: FunctionEventInvokeConfig[]; gone: Set<string> }> {
    let done = 0;
    const gone = new Set<string>();
    const perFunction = await mapWithConcurrency(functions, this.concurrency, async (fn) => {
      const name = fn.FunctionName ?? fn.FunctionArn ?? '';
      const result = await this.listInvokeConfigs(fn.FunctionArn ?? name);
      done += 1;
      this.progress('event-invoke-configs', done, functions.length);
      if (result.gone) gone.add(fn.FunctionArn ?? name);
      else if (result.failure) readErrors.push({ ...result.failure, functionName: name });
      return result.configs;
    });
    return { configs: perFunction.flat(), gone };
  }

  private async listInvokeConfigs(
    functionArn: string,
  ): Promise<{ configs: FunctionEventInvokeConfig[]; failure?: Failure; gone?: true }> {
    const configs: FunctionEventInvokeConfig[] = [];
    try {
      const pages = paginateListFunctionEventInvokeConfigs(
        { client: this.lambda },
        { FunctionName: functionArn },
      );
      for await (const page of pages) configs.push(...(page.FunctionEventInvokeConfigs ?? []));
      return { configs };
    } catch (error: unknown) {
      if (awsErrorKind(error) === 'not-found') return { configs: [], gone: true };
      return {
        configs,
        failure: {
          resource: functionArn,
          message: `the function's asynchronous invocation settings could not be read: ${describeAwsError('ListFunctionEventInvokeConfigs', functionArn, error)}`,
        },
      };
    }
  }

  /**
   * The versions and aliases that these functions' qualified targets name and the keys of the resources
   * they use, for functions whose settings come from elsewhere (the inventory, issue 10).
   */
  async readTargetsAndKeysOf(
    functions: readonly LambdaFunctionConfiguration[],
    mappings: readonly EventSourceMappingConfiguration[],
    invokeConfigs: readonly FunctionEventInvokeConfig[],
  ): Promise<Pick<LiveAccountData, 'versions' | 'aliases' | 'resourceEncryption' | 'readErrors'>> {
    const readErrors: ReadError[] = [];
    const read = await this.readTargetsAndKeys(
      await this.region(),
      functions,
      mappings,
      invokeConfigs,
      readErrors,
    );
    return { ...read, readErrors };
  }

  /**
   * The event invoke configs of these functions (one paginated call each); `gone` names those Lambda no
   * longer knows. For the sweep's chunks, which have the configurations from the dispatcher's listing.
   */
  async readInvokeConfigs(functions: readonly LambdaFunctionConfiguration[]): Promise<{
    configs: FunctionEventInvokeConfig[];
    gone: Set<string>;
    readErrors: ReadError[];
  }> {
    const readErrors: ReadError[] = [];
    const { configs, gone } = await this.listInvokeConfigsOfAll(functions, readErrors);
    return { configs, gone, readErrors };
  }

  /**
   * Roles (by ARN) with their inline, attached and boundary policies, read fresh from IAM: no Lambda call.
   * The inventory-backed audit (issue 10) takes the functions from the state table and only this from AWS.
   * A failure is returned with the role ARN it concerns, for the functions of that role.
   */
  async readRoles(roleArns: readonly string[]): Promise<{
    roles: RoleDetail[];
    policies: ManagedPolicyDetail[];
    failures: Failure[];
  }> {
    const policyReads = new Map<string, Promise<ManagedPolicyRead>>();
    const readPolicy = (arn: string): Promise<ManagedPolicyRead> => {
      let read = policyReads.get(arn);
      if (!read) {
        read = this.readManagedPolicy(arn);
        policyReads.set(arn, read);
      }
      return read;
    };
    const reads = await mapWithConcurrency([...new Set(roleArns)], this.concurrency, (arn) =>
      this.readRole(arn, readPolicy),
    );
    const roles: RoleDetail[] = [];
    const policies = new Map<string, ManagedPolicyDetail>();
    const failures: Failure[] = [];
    for (const read of reads) {
      if (read.role) roles.push(read.role);
      for (const policy of read.policies) if (policy.Arn) policies.set(policy.Arn, policy);
      failures.push(...read.failures);
    }
    return { roles, policies: [...policies.values()], failures };
  }

  /**
   * The named functions (names or ARNs), their mappings and invoke configs, their roles and the managed
   * policies those attach. A function that does not exist is left out (the use case says so); one that
   * cannot be read is a read error. Roles and policies shared by several named functions are read once.
   */
  async readFunctions(functionNames: readonly string[]): Promise<LiveAccountData> {
    const readErrors: ReadError[] = [];
    const iamReads = this.iamReadsOfRun();
    const roleReads = iamReads.roles;
    const readPolicy = (arn: string): Promise<ManagedPolicyRead> => this.readPolicyOnce(iamReads, arn);
    const readRole = (arn: string): Promise<RoleRead> => {
      let read = roleReads.get(arn);
      if (!read) {
        read = this.readRole(arn, readPolicy);
        roleReads.set(arn, read);
      }
      return read;
    };

    let done = 0;
    const unique = [...new Set(functionNames)];
    const listed = unique.length >= BULK_READ_THRESHOLD ? await this.listFunctionsAndMappings() : undefined;
    // Listed once, and only once a named function turns out to exist.
    let mappingsRead: Promise<readonly EventSourceMappingConfiguration[]> | undefined;
    const allMappings = (): Promise<readonly EventSourceMappingConfiguration[]> => {
      mappingsRead ??= listed ? Promise.resolve(listed.mappings) : this.listEventSourceMappings();
      return mappingsRead;
    };
    const perFunction = await mapWithConcurrency(unique, this.concurrency, async (name) => {
      const result = await this.readFunction(name, readRole, allMappings, listed);
      done += 1;
      this.progress('functions', done, unique.length);
      for (const failure of result.failures)
        readErrors.push({ ...failure, functionName: result.functionName ?? name });
      return result;
    });

    const functions: LambdaFunctionConfiguration[] = [];
    const mappings = new Map<string, EventSourceMappingConfiguration>();
    const invokeConfigs: FunctionEventInvokeConfig[] = [];
    const roles = new Map<string, RoleDetail>();
    const policies = new Map<string, ManagedPolicyDetail>();
    for (const result of perFunction) {
      if (!result.configuration) continue;
      if (functions.some((fn) => fn.FunctionArn === result.configuration?.FunctionArn)) continue;
      functions.push(result.configuration);
      for (const mapping of result.mappings) mappings.set(mapping.UUID ?? `${mappings.size}`, mapping);
      invokeConfigs.push(...result.invokeConfigs);
      if (result.role?.role?.Arn) roles.set(result.role.role.Arn, result.role.role);
      for (const policy of result.role?.policies ?? []) if (policy.Arn) policies.set(policy.Arn, policy);
    }
    const region = await this.region();
    const extras = await this.readTargetsAndKeys(
      region,
      functions,
      [...mappings.values()],
      invokeConfigs,
      readErrors,
    );
    return {
      region,
      coverage: 'functions',
      authorizationDetails: { RoleDetailList: [...roles.values()], Policies: [...policies.values()] },
      functions,
      eventSourceMappings: [...mappings.values()],
      eventInvokeConfigs: invokeConfigs,
      ...extras,
      readErrors,
    };
  }

  /** Every function and mapping of the account, for reading many named functions at once. */
  private async listFunctionsAndMappings(): Promise<Listed> {
    const [functions, mappings] = await Promise.all([this.listFunctions(), this.listEventSourceMappings()]);
    const byName = new Map<string, LambdaFunctionConfiguration>();
    for (const fn of functions) {
      if (fn.FunctionName) byName.set(fn.FunctionName, fn);
      if (fn.FunctionArn) byName.set(fn.FunctionArn, fn);
    }
    return { byName, mappings };
  }

  private async readFunction(
    name: string,
    readRole: (arn: string) => Promise<RoleRead>,
    allMappings: () => Promise<readonly EventSourceMappingConfiguration[]>,
    listed?: Listed,
  ): Promise<{
    functionName?: string;
    configuration?: LambdaFunctionConfiguration;
    mappings: EventSourceMappingConfiguration[];
    invokeConfigs: FunctionEventInvokeConfig[];
    role?: RoleRead;
    failures: Failure[];
  }> {
    let configuration: LambdaFunctionConfiguration;
    try {
      if (listed) {
        const found = listed.byName.get(name);
        // Not in the account-wide list: it does not exist (any more).
        if (!found) return { mappings: [], invokeConfigs: [], failures: [] };
        configuration = found;
      } else {
        configuration = await this.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      }
    } catch (error: unknown) {
      if (awsErrorKind(error) === 'not-found') return { mappings: [], invokeConfigs: [], failures: [] };
      if (isUnansweredRequest(error)) throw new LiveAccountReadError('GetFunctionConfiguration', error);
      return {
        mappings: [],
        invokeConfigs: [],
        failures: [{ resource: name, message: describeAwsError('GetFunctionConfiguration', name, error) }],
      };
    }
    const functionName = configuration.FunctionName ?? name;
    // The function's own ARN, not the name it was asked by: AWS accepts either, and moto matches mappings
    // only by the exact string given at CreateEventSourceMapping (moto-notes §1), which our fixtures and
    // CloudFormation-style deployments give as the ARN. The result is filtered by ARN below as well.
    const functionArn = configuration.FunctionArn ?? name;
    const failures: Failure[] = [];
    const mappings = (await allMappings()).filter((mapping) =>
      sameFunction(mapping.FunctionArn, functionArn),
    );
    const [invokeConfigs, role] = await Promise.all([
      this.listInvokeConfigs(functionArn).then((result) => {
        if (result.failure) failures.push(result.failure);
        return result.configs;
      }),
      configuration.Role ? readRole(configuration.Role) : Promise.resolve(undefined),
    ]);
    if (role) failures.push(...role.failures);
    return { functionName, configuration, mappings, invokeConfigs, ...(role ? { role } : {}), failures };
  }

  /**
   * GetRole, then its inline policies (ListRolePolicies + GetRolePolicy each) and its attached managed
   * policies and boundary (ListAttachedRolePolicies + GetPolicy + cached GetPolicyVersion), in the shape
   * of a GetAccountAuthorizationDetails `RoleDetail`.
   */
  private async readRole(
    roleArn: string,
    readPolicy: (arn: string) => Promise<ManagedPolicyRead>,
  ): Promise<RoleRead> {
    const roleName = roleNameFromArn(roleArn);
    let got: GetRoleCommandOutput;
    try {
      got = await this.iam.send(new GetRoleCommand({ RoleName: roleName }));
    } catch (error: unknown) {
      // A role that does not exist is a fact about the account (the function cannot run), not a failure.
      if (awsErrorKind(error) === 'not-found') return { policies: [], failures: [] };
      return {
        policies: [],
        failures: [{ resource: roleArn, message: describeAwsError('GetRole', roleName, error) }],
      };
    }
    const role = got.Role;
    if (!role || role.Arn !== roleArn) {
      // Same name, other path: the function names a role ARN that does not exist.
      return { policies: [], failures: [] };
    }
    const failures: Failure[] = [];
    const [inlineNames, attached] = await Promise.all([
      this.collect(roleArn, 'ListRolePolicies', failures, async () => {
        const names: string[] = [];
        for await (const page of paginateListRolePolicies({ client: this.iam }, { RoleName: roleName })) {
          names.push(...(page.PolicyNames ?? []));
        }
        return names;
      }),
      this.collect(roleArn, 'ListAttachedRolePolicies', failures, async () => {
        const list: { PolicyName?: string; PolicyArn?: string }[] = [];
        for await (const page of paginateListAttachedRolePolicies(
          { client: this.iam },
          { RoleName: roleName },
        )) {
          list.push(...(page.AttachedPolicies ?? []));
        }
        return list;
      }),
    ]);
    const boundaryArn = role.PermissionsBoundary?.PermissionsBoundaryArn;
    const managedArns = [
      ...new Set([
        ...(attached ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])),
        ...(boundaryArn ? [boundaryArn] : []),
      ]),
    ];
    const [inline, managed] = await Promise.all([
      mapWithConcurrency(inlineNames ?? [], this.concurrency, (policyName) =>
        this.readInlinePolicy(roleName, roleArn, policyName),
      ),
      mapWithConcurrency(managedArns, this.concurrency, readPolicy),
    ]);
    const rolePolicyList: PolicyDetail[] = [];
    for (const read of inline) {
      rolePolicyList.push(read.policy);
      if (read.failure) failures.push(read.failure);
    }
    const policies: ManagedPolicyDetail[] = [];
    for (const read of managed) {
      if (read.detail) policies.push(read.detail);
      if (read.failure) failures.push(read.failure);
    }
    const detail: RoleDetail = {
      Path: role.Path,
      RoleName: role.RoleName,
      RoleId: role.RoleId,
      Arn: role.Arn,
      CreateDate: role.CreateDate,
      AssumeRolePolicyDocument: role.AssumeRolePolicyDocument,
      RolePolicyList: rolePolicyList,
      AttachedManagedPolicies: attached ?? [],
      ...(role.PermissionsBoundary ? { PermissionsBoundary: role.PermissionsBoundary } : {}),
      Tags: role.Tags ?? [],
      ...(role.RoleLastUsed ? { RoleLastUsed: role.RoleLastUsed } : {}),
    };
    return { role: detail, policies, failures };
  }

  private async collect<T>(
    resource: string,
    operation: string,
    failures: Failure[],
    read: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await read();
    } catch (error: unknown) {
      failures.push({ resource, message: describeAwsError(operation, resource, error) });
      return undefined;
    }
  }

  /** An inline policy that cannot be read stays in the list without a document: the audit says why. */
  private async readInlinePolicy(
    roleName: string,
    roleArn: string,
    policyName: string,
  ): Promise<{ policy: PolicyDetail; failure?: Failure }> {
    try {
      const got = await this.iam.send(
        new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }),
      );
      return { policy: { PolicyName: policyName, PolicyDocument: got.PolicyDocument } };
    } catch (error: unknown) {
      return {
        policy: { PolicyName: policyName },
        failure: {
          resource: roleArn,
          message: describeAwsError('GetRolePolicy', `${roleName}/${policyName}`, error),
        },
      };
    }
  }

  /**
   * GetPolicy (the default version id, re-read every time: it changes when someone sets another default)
   * and GetPolicyVersion (cached: a version never changes), as a `ManagedPolicyDetail` holding only the
   * default version, which is the only one IAM evaluates.
   */
  private async readManagedPolicy(arn: string): Promise<ManagedPolicyRead> {
    let operation = 'GetPolicy';
    try {
      const got = await this.iam.send(new GetPolicyCommand({ PolicyArn: arn }));
      const policy = got.Policy;
      const versionId = policy?.DefaultVersionId;
      if (!policy || !versionId) {
        return {
          failure: { resource: arn, message: `GetPolicy ${arn}: the answer names no default version` },
        };
      }
      let version: PolicyVersion | undefined = this.cache.get(arn, versionId);
      if (!version) {
        operation = `GetPolicyVersion ${versionId} of`;
        const read = await this.iam.send(
          new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }),
        );
        version = read.PolicyVersion;
        if (!version || version.Document === undefined) {
          return {
            failure: {
              resource: arn,
              message: `GetPolicyVersion ${arn} ${versionId}: the answer has no document`,
            },
          };
        }
        this.cache.set(arn, versionId, version);
      }
      return {
        detail: {
          PolicyName: policy.PolicyName,
          PolicyId: policy.PolicyId,
          Arn: policy.Arn ?? arn,
          Path: policy.Path,
          DefaultVersionId: versionId,
          AttachmentCount: policy.AttachmentCount,
          PermissionsBoundaryUsageCount: policy.PermissionsBoundaryUsageCount,
          IsAttachable: policy.IsAttachable,
          ...(policy.Description !== undefined ? { Description: policy.Description } : {}),
          CreateDate: policy.CreateDate,
          UpdateDate: policy.UpdateDate,
          PolicyVersionList: [{ ...version, VersionId: versionId, IsDefaultVersion: true }],
        },
      };
    } catch (error: unknown) {
      return { failure: { resource: arn, message: describeAwsError(operation, arn, error) } };
    }
  }
}

/**
 * AWS always names a managed policy in GetAccountAuthorizationDetails; moto 5.2 leaves `PolicyName` out
 * of its `Policies`. The name is the ARN's last segment, so it is filled in from there rather than making
 * the policy (and every function attaching it) unreadable.
 */
function withPolicyName(policy: ManagedPolicyDetail): ManagedPolicyDetail {
  if (policy.PolicyName || !policy.Arn) return policy;
  return { ...policy, PolicyName: policy.Arn.slice(policy.Arn.lastIndexOf('/') + 1) };
}

/** Every managed policy ARN the roles attach or use as a boundary. */
function referencedPolicyArns(roles: readonly RoleDetail[]): Set<string> {
  const arns = new Set<string>();
  for (const role of roles) {
    for (const attached of role.AttachedManagedPolicies ?? [])
      if (attached.PolicyArn) arns.add(attached.PolicyArn);
    const boundary = role.PermissionsBoundary?.PermissionsBoundaryArn;
    if (boundary) arns.add(boundary);
  }
  return arns;
}

/** A mapping's FunctionArn carries a qualifier (alias or version) when it is a version's or an alias's. */
function sameFunction(mappingFunctionArn: string | undefined, functionArn: string): boolean {
  if (!mappingFunctionArn) return false;
  return mappingFunctionArn === functionArn || mappingFunctionArn.startsWith(`${functionArn}:`);
}
