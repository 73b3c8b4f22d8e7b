/**
 * The account lookups that turn a change into functions, over IAM and Lambda:
 *
 * - roles attaching a managed policy: `ListEntitiesForPolicy` (roles only; both permissions-policy and
 *   boundary use, since a boundary change changes verdicts too);
 * - functions of a role, and the role of a function: one `ListFunctions` scan per audited region, cached for the life of this object
 *   (create one per invocation: a batch of twenty events on one role costs one scan, and a function created
 *   since the last invocation is never missed);
 * - a mapping's function: `GetEventSourceMapping` (`undefined` when the mapping is gone);
 * - the functions that use a queue, stream, topic or secret whose key changed: the batch's ListFunctions
 *   scan (dead-letter targets) and its ListEventSourceMappings listing of the region (sources, secrets,
 *   on-failure destinations), shared with the live source through `listing`.
 *
 * Failures other than "not found" propagate (the SDK has already retried throttling): the message is
 * retried rather than treated as "nothing affected".
 */
import { type IAMClient, paginateListEntitiesForPolicy } from '@aws-sdk/client-iam';
import {
  GetEventSourceMappingCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { unqualifiedFunctionArn } from '../../domain/audit/audit-targets.js';
import { type Directory, roleNameOf } from '../../events/resolve-affected.js';
import { awsErrorKind } from '../aws/aws-errors.js';
import { createFunctionListing, type FunctionListing } from '../aws/function-listing.js';

export interface AwsDirectoryOptions {
  readonly iam: IAMClient;
  /** The Lambda client of each audited region. */
  readonly lambdaByRegion: ReadonlyMap<string, LambdaClient>;
  /** The batch's ListFunctions scans, shared with the live source (default: scans of its own). */
  readonly listing?: FunctionListing;
}

export interface AwsDirectory extends Directory {
  /** Whether the function still exists; errors other than "not found" propagate. */
  functionExists(functionArn: string): Promise<boolean>;
}

function regionOfArn(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

/**
 * Whether a secret ARN (from a mapping, always complete) is the secret `named`: the same ARN, or `named`
 * without the six-character suffix Secrets Manager appends (`…:secret:NAME-AbCdEf`).
 */
function sameSecret(uri: string, named: string): boolean {
  if (uri === named) return true;
  if (!named.includes(':secret:') || !uri.startsWith(`${named}-`)) return false;
  return uri.length === named.length + 7;
}

/** Whether a mapping or dead-letter target uses the resource (a Kinesis consumer uses its stream). */
function uses(target: string | undefined, resourceArn: string): boolean {
  if (target === undefined) return false;
  return (
    target === resourceArn || target.startsWith(`${resourceArn}/consumer/`) || sameSecret(target, resourceArn)
  );
}

export function createAwsDirectory(options: AwsDirectoryOptions): AwsDirectory {
  /** region → the functions of each role and the role of each function, one scan per region. */
  interface Scan {
    readonly byRole: Map<string, string[]>;
    readonly roleOf: Map<string, string>;
  }
  const listing = options.listing ?? createFunctionListing(options.lambdaByRegion);
  const scans = new Map<string, Promise<Scan>>();
  const scan = (region: string): Promise<Scan> => {
    let pending = scans.get(region);
    if (!pending) {
      pending = listing.list(region).then((functions) => {
        const result: Scan = { byRole: new Map(), roleOf: new Map() };
        for (const fn of functions) {
          if (!fn.Role || !fn.FunctionArn) continue;
          const role = roleNameOf(fn.Role);
          result.byRole.set(role, [...(result.byRole.get(role) ?? []), fn.FunctionArn]);
          result.roleOf.set(fn.FunctionArn, role);
        }
        return result;
      });
      // A failed scan is not cached: the retry of the message scans again.
      pending.catch(() => scans.delete(region));
      scans.set(region, pending);
    }
    return pending;
  };

  const allScans = (): Promise<Scan[]> =>
    Promise.all([...options.lambdaByRegion.keys()].map((region) => scan(region)));

  const lambdaFor = (arn: string): LambdaClient => {
    const region = regionOfArn(arn);
    const client = region === undefined ? undefined : options.lambdaByRegion.get(region);
    if (!client)
      throw new Error(
        `no Lambda client for the region of ${arn} (audited: ${[...options.lambdaByRegion.keys()].join(', ')})`,
      );
    return client;
  };

  return {
    async rolesAttachingPolicy(policyArn) {
      const roles: string[] = [];
      for await (const page of paginateListEntitiesForPolicy(
        { client: options.iam },
        { PolicyArn: policyArn, EntityFilter: 'Role' },
      )) {
        for (const role of page.PolicyRoles ?? []) if (role.RoleName) roles.push(role.RoleName);
      }
      return [...new Set(roles)];
    },
    async functionsOfRoles(roleNames) {
      const wanted = new Set(roleNames);
      const found: string[] = [];
      for (const { byRole } of await allScans()) {
        for (const role of wanted) found.push(...(byRole.get(role) ?? []));
      }
      return found;
    },
    async functionsSharingRoleWith(functionArn) {
      const scans = await allScans();
      const role = scans.map(({ roleOf }) => roleOf.get(functionArn)).find((found) => found !== undefined);
      if (role === undefined) return [functionArn];
      const found = scans.flatMap(({ byRole }) => byRole.get(role) ?? []);
      return found.includes(functionArn) ? found : [functionArn, ...found];
    },
    async functionOfMapping(uuid, region) {
      const client = options.lambdaByRegion.get(region);
      if (!client) return undefined; // a region we do not audit
      try {
        const mapping = await client.send(new GetEventSourceMappingCommand({ UUID: uuid }));
        return mapping.FunctionArn?.replace(/(:function:[^:]+):.*$/, '$1');
      } catch (error) {
        if (awsErrorKind(error) === 'not-found') return undefined;
        throw error;
      }
    },
    async functionsUsingResource(resourceArn, region) {
      if (!options.lambdaByRegion.has(region)) return []; // a region we do not audit
      const [functions, mappings] = await Promise.all([listing.list(region), listing.listMappings(region)]);
      const found = new Set<string>();
      for (const fn of functions) {
        if (fn.FunctionArn && uses(fn.DeadLetterConfig?.TargetArn, resourceArn)) found.add(fn.FunctionArn);
      }
      for (const mapping of mappings) {
        const targets = [
          mapping.EventSourceArn,
          mapping.DestinationConfig?.OnFailure?.Destination,
          ...(mapping.SourceAccessConfigurations ?? []).map((config) => config.URI),
        ];
        if (mapping.FunctionArn && targets.some((target) => uses(target, resourceArn)))
          found.add(unqualifiedFunctionArn(mapping.FunctionArn));
      }
      return [...found].sort();
    },
    async functionExists(functionArn) {
      try {
        await lambdaFor(functionArn).send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
        return true;
      } catch (error) {
        if (awsErrorKind(error) === 'not-found') return false;
        throw error;
      }
    },
  };
}
