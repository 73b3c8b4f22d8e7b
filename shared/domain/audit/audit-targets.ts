/**
 * What the audit judges: each function's current configuration (`$LATEST`), and each published version
 * that a qualified mapping or event invoke config resolves to (requirements.md §2b, decided 2026-12-02).
 * A version has its own role and configuration, locked when it was published, so its needs are judged
 * against its own role, as its own result in the report (with its qualified ARN and `version`).
 *
 * Resolution of a qualified function ARN (`…:function:NAME:QUALIFIER`):
 * - no qualifier or `$LATEST`: the function's current configuration;
 * - a version number: that version;
 * - an alias: the version it names and, with a routing configuration, every version it routes to
 *   (`RoutingConfig.AdditionalVersionWeights`), each judged with the mapping or config.
 * When the source did not read versions or aliases (an export without `versions.json` / `aliases.json`),
 * or the one named is not among those read, the target is judged against `$LATEST` as before and a note
 * says so: the version's own role is then not known.
 *
 * Mappings and configs are matched to functions by unqualified ARN (two regions may hold functions of
 * the same name), by name when the file holds only a name.
 */
import { functionNameOf, functionQualifierOf, parseArn } from '../arn.js';
import type {
  AccountSnapshot,
  EventInvokeConfig,
  EventSourceMapping,
  FunctionAlias,
  FunctionConfiguration,
} from '../model.js';

export interface AuditTarget {
  /** The configuration judged: the function's own, or a published version's (qualified `FunctionArn`). */
  readonly fn: FunctionConfiguration;
  readonly mappings: EventSourceMapping[];
  readonly invokeConfigs: EventInvokeConfig[];
  /** Set for a published version. */
  readonly version?: string;
  /** Aliases, among the targets read, that route to this configuration. */
  readonly aliases: Set<string>;
}

export interface AuditTargets {
  readonly targets: readonly AuditTarget[];
  /** How qualified targets that could not be resolved were judged instead. */
  readonly notes: readonly string[];
}

/** `arn:P:lambda:R:A:function:NAME` of a possibly qualified function ARN (the text itself otherwise). */
export function unqualifiedFunctionArn(text: string): string {
  const arn = parseArn(text);
  if (arn?.service !== 'lambda') return text;
  const [type, name] = arn.resource.split(':');
  return `arn:${arn.partition}:lambda:${arn.region}:${arn.account}:${type}:${name}`;
}

/**
 * `unqualifiedFunctionArn(text)` and, for an ARN, `functionQualifierOf(text)`, from one reading: an
 * unqualified function ARN (`…:function:NAME`, what most mappings name) is its own unqualified form.
 */
function functionArnParts(text: string): { unqualified: string; qualifier: string | undefined } {
  const arn = parseArn(text);
  if (arn?.service !== 'lambda') return { unqualified: text, qualifier: undefined };
  const resource = arn.resource;
  const first = resource.indexOf(':');
  if (first >= 0 && resource.indexOf(':', first + 1) < 0) return { unqualified: text, qualifier: undefined };
  return { unqualified: unqualifiedFunctionArn(text), qualifier: functionQualifierOf(text) };
}

const VERSION_NUMBER = /^[0-9]+$/;

export function auditTargets(snapshot: AccountSnapshot): AuditTargets {
  const notes: string[] = [];
  const targets: AuditTarget[] = [];
  const byArn = new Map<string, AuditTarget>();
  const byName = new Map<string, AuditTarget>();
  for (const fn of snapshot.functions) {
    const target: AuditTarget = { fn, mappings: [], invokeConfigs: [], aliases: new Set() };
    targets.push(target);
    byArn.set(fn.FunctionArn, target);
    if (!byName.has(fn.FunctionName)) byName.set(fn.FunctionName, target);
  }
  const versions = new Map<string, FunctionConfiguration>();
  for (const version of snapshot.versions ?? []) versions.set(version.FunctionArn, version);
  const aliases = new Map<string, FunctionAlias>();
  for (const alias of snapshot.aliases ?? []) aliases.set(alias.AliasArn, alias);
  const versionTargets = new Map<string, AuditTarget>();

  const versionTarget = (latest: AuditTarget, version: string): AuditTarget | undefined => {
    const arn = `${latest.fn.FunctionArn}:${version}`;
    let target = versionTargets.get(arn);
    if (target !== undefined) return target;
    const configuration = versions.get(arn);
    if (configuration === undefined) return undefined;
    target = {
      // Tags belong to the function, not to a version: suppression tags apply to its versions too.
      fn:
        configuration.Tags === undefined && latest.fn.Tags !== undefined
          ? { ...configuration, Tags: latest.fn.Tags }
          : configuration,
      mappings: [],
      invokeConfigs: [],
      version,
      aliases: new Set(),
    };
    versionTargets.set(arn, target);
    targets.push(target);
    return target;
  };

  /** The targets a (possibly qualified) function ARN resolves to; `what` names it in notes. */
  const resolve = (functionArn: string, what: string): AuditTarget[] => {
    const parts = functionArnParts(functionArn);
    const latest = byArn.get(parts.unqualified) ?? byName.get(functionNameOf(functionArn) ?? functionArn);
    if (latest === undefined) return [];
    const qualifier = parts.qualifier;
    if (qualifier === undefined || qualifier === '$LATEST') return [latest];
    const name = `${latest.fn.FunctionName}:${qualifier}`;
    const fallBack = (why: string): AuditTarget[] => {
      notes.push(`${what} targets ${name}; ${why}, so it is judged against the role of $LATEST.`);
      return [latest];
    };
    let versionNumbers: string[];
    let alias: string | undefined;
    if (VERSION_NUMBER.test(qualifier)) versionNumbers = [qualifier];
    else {
      if (snapshot.aliases === undefined)
        return fallBack('the aliases were not read (an export folder without aliases.json)');
      const found = aliases.get(`${latest.fn.FunctionArn}:${qualifier}`);
      if (found === undefined) return fallBack(`alias ${qualifier} is not among the aliases read`);
      alias = qualifier;
      versionNumbers = [
        found.FunctionVersion,
        ...Object.keys(found.RoutingConfig?.AdditionalVersionWeights ?? {}),
      ].filter((version, index, all) => all.indexOf(version) === index);
    }
    const resolved: AuditTarget[] = [];
    for (const version of versionNumbers) {
      let target: AuditTarget | undefined = version === '$LATEST' ? latest : versionTarget(latest, version);
      if (target === undefined) {
        const why =
          snapshot.versions === undefined
            ? 'the published versions were not read (an export folder without versions.json)'
            : `version ${version} is not among the versions read`;
        notes.push(
          `${what} targets ${name}${alias === undefined ? '' : ` (version ${version})`}; ${why}, so it is judged against the role of $LATEST.`,
        );
        target = latest;
      }
      if (alias !== undefined) target.aliases.add(alias);
      if (!resolved.includes(target)) resolved.push(target);
    }
    return resolved;
  };

  for (const mapping of snapshot.eventSourceMappings) {
    for (const target of resolve(mapping.FunctionArn, `Event source mapping ${mapping.UUID}`))
      target.mappings.push(mapping);
  }
  for (const config of snapshot.eventInvokeConfigs ?? []) {
    for (const target of resolve(config.FunctionArn, `The event invoke config of ${config.FunctionArn}`))
      target.invokeConfigs.push(config);
  }
  return { targets, notes };
}
