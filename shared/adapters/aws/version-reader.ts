/**
 * Reads the published versions and aliases that qualified mappings and event invoke configs name, and
 * nothing for functions that have none (requirements.md §2b):
 *
 * - `ListAliases` once per function with an alias-qualified target (one page holds 50 aliases);
 * - `GetFunctionConfiguration` with `Qualifier` once per distinct version named by a qualifier or by an
 *   alias (its `FunctionVersion` and the versions of its routing configuration).
 *
 * A version that no longer exists is left out (the audit then says it judged the target against
 * `$LATEST`); any other failure is a read error for the function.
 */
import {
  type AliasConfiguration,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  type FunctionConfiguration as LambdaFunctionConfiguration,
  paginateListAliases,
} from '@aws-sdk/client-lambda';
import { functionNameOf, functionQualifierOf } from '../../domain/arn.js';
import { unqualifiedFunctionArn } from '../../domain/audit/audit-targets.js';
import type { ReadError } from '../../domain/model.js';
import { awsErrorKind, describeAwsError } from './aws-errors.js';

export interface VersionsRead {
  readonly versions: LambdaFunctionConfiguration[];
  readonly aliases: AliasConfiguration[];
  readonly readErrors: ReadError[];
}

const VERSION_NUMBER = /^[0-9]+$/;

export interface VersionReadOptions {
  readonly concurrency: number;
  readonly map: <T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>) => Promise<R[]>;
}

/**
 * `targets` are the `FunctionArn`s of the mappings and invoke configs read (qualified or not); only the
 * qualified ones (other than `$LATEST`) cost calls.
 */
export async function readVersionsAndAliases(
  lambda: LambdaClient,
  targets: Iterable<string>,
  options: VersionReadOptions,
): Promise<VersionsRead> {
  const readErrors: ReadError[] = [];
  const wanted = new Map<string, Set<string>>(); // unqualified ARN → version numbers
  const aliasFunctions = new Map<string, Set<string>>(); // unqualified ARN → alias names
  for (const target of targets) {
    if (!target.startsWith('arn:')) continue;
    const qualifier = functionQualifierOf(target);
    if (qualifier === undefined || qualifier === '$LATEST') continue;
    const fn = unqualifiedFunctionArn(target);
    const into = VERSION_NUMBER.test(qualifier) ? wanted : aliasFunctions;
    const set = into.get(fn) ?? new Set<string>();
    set.add(qualifier);
    into.set(fn, set);
  }

  const aliases: AliasConfiguration[] = [];
  await options.map([...aliasFunctions.keys()].sort(), options.concurrency, async (functionArn) => {
    try {
      const listed: AliasConfiguration[] = [];
      for await (const page of paginateListAliases({ client: lambda }, { FunctionName: functionArn }))
        listed.push(...(page.Aliases ?? []));
      aliases.push(...listed);
      const names = aliasFunctions.get(functionArn) ?? new Set<string>();
      for (const alias of listed) {
        if (alias.Name === undefined || !names.has(alias.Name)) continue;
        const versions = wanted.get(functionArn) ?? new Set<string>();
        for (const version of [
          alias.FunctionVersion,
          ...Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}),
        ]) {
          if (version !== undefined && VERSION_NUMBER.test(version)) versions.add(version);
        }
        wanted.set(functionArn, versions);
      }
    } catch (error: unknown) {
      if (awsErrorKind(error) === 'not-found') return;
      readErrors.push({
        resource: functionArn,
        functionName: functionNameOf(functionArn) ?? functionArn,
        message: `the function's aliases could not be read: ${describeAwsError('ListAliases', functionArn, error)}`,
      });
    }
  });

  const pairs = [...wanted].flatMap(([fn, versions]) =>
    [...versions].map((version) => [fn, version] as const),
  );
  const versions: LambdaFunctionConfiguration[] = [];
  await options.map(pairs, options.concurrency, async ([functionArn, version]) => {
    try {
      const { $metadata: _, ...configuration } = await lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: functionArn, Qualifier: version }),
      );
      versions.push(configuration);
    } catch (error: unknown) {
      if (awsErrorKind(error) === 'not-found') return;
      readErrors.push({
        resource: `${functionArn}:${version}`,
        functionName: functionNameOf(functionArn) ?? functionArn,
        message: `version ${version} of the function could not be read: ${describeAwsError('GetFunctionConfiguration', `${functionArn}:${version}`, error)}`,
      });
    }
  });
  versions.sort((a, b) => (a.FunctionArn ?? '').localeCompare(b.FunctionArn ?? ''));
  aliases.sort((a, b) => (a.AliasArn ?? '').localeCompare(b.AliasArn ?? ''));
  return { versions, aliases, readErrors };
}
