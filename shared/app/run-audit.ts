/**
 * The audit use case: read an account (export folder or live, the use case does not know which), then
 * judge it. Everything with a clock or I/O is injected so that the same call serves the CLI, the Lambda
 * handlers and the tests.
 */

import { functionNameOf } from '../domain/arn.js';
import { type AuditOptions, auditAccount } from '../domain/audit/audit-account.js';
import { type AwsManagedPolicyLookup, policyArnsOf } from '../domain/audit/role-policies.js';
import { awsManagedPolicy } from '../domain/aws-managed-policies.js';
import { InputError } from '../domain/errors.js';
import type { AccountScope, AccountSnapshot, AccountSource } from '../domain/model.js';
import type { ActionCatalog } from '../domain/policy/action-catalog.js';
import type { Report } from '../domain/report.js';
import type { BaselineSeverity } from '../domain/rules/managed-baseline.js';
import type { Suppression, TagSuppressionPolicy } from '../domain/suppressions.js';

export interface RunAuditOptions {
  readonly scope: AccountScope;
  readonly catalog: ActionCatalog;
  readonly suppressions?: readonly Suppression[];
  /** What the suppress tag may suppress (default: nothing critical, high or trust-policy). */
  readonly tagSuppression?: TagSuppressionPolicy;
  /** The report's `generatedAt`; injected so that tests get a fixed date. */
  readonly now?: () => Date;
  readonly tool?: { readonly name: string; readonly version: string };
  /** The severity of excess findings only AWS's recommended managed policies cause (default info). */
  readonly awsManagedBaseline?: BaselineSeverity;
  /**
   * Loads every AWS managed policy (the shipped asset). Called only when a role uses one that neither the
   * source nor the short built-in list has, so that most audits never read it.
   */
  readonly loadAwsManagedPolicies?: () => Promise<AwsManagedPolicyLookup>;
  /** Monotonic milliseconds that time each function's audit (see `AuditOptions.clock`). */
  readonly clock?: () => number;
  /** The most time one function's audit may take, in milliseconds. */
  readonly functionBudgetMs?: number;
  /** Takes each function's result as soon as it is final, instead of the report (`AuditOptions.onFunction`). */
  readonly onFunction?: AuditOptions['onFunction'];
}

/**
 * Loads the account and audits it. A function named in the scope that the account does not have is bad
 * input (`InputError`): auditing nothing and reporting "compliant" would hide a typo in a CI gate.
 */
export async function runAudit(source: AccountSource, options: RunAuditOptions): Promise<Report> {
  const snapshot = await source.load(options.scope);
  const functionNames = options.scope.functionNames;
  if (functionNames && functionNames.length > 0) assertFunctionsExist(snapshot, functionNames);
  const awsManagedPolicies =
    options.loadAwsManagedPolicies !== undefined && lacksAwsManagedPolicy(snapshot)
      ? await options.loadAwsManagedPolicies()
      : undefined;
  const auditOptions: AuditOptions = {
    catalog: options.catalog,
    ...(awsManagedPolicies ? { awsManagedPolicies } : {}),
    generatedAt: (options.now ?? (() => new Date()))().toISOString(),
    ...(options.suppressions ? { suppressions: options.suppressions } : {}),
    ...(options.tagSuppression ? { tagSuppression: options.tagSuppression } : {}),
    ...(options.tool ? { tool: options.tool } : {}),
    ...(options.awsManagedBaseline ? { awsManagedBaseline: options.awsManagedBaseline } : {}),
    ...(functionNames && functionNames.length > 0 ? { functionNames } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.functionBudgetMs !== undefined ? { functionBudgetMs: options.functionBudgetMs } : {}),
    ...(options.onFunction ? { onFunction: options.onFunction } : {}),
  };
  return auditAccount(snapshot, auditOptions);
}

/** Whether a role uses an AWS managed policy that neither the snapshot nor the built-in short list has. */
export function lacksAwsManagedPolicy(snapshot: AccountSnapshot): boolean {
  for (const role of snapshot.roles.values()) {
    for (const arn of policyArnsOf(role)) {
      if (arn.includes(':iam::aws:policy/') && !snapshot.managedPolicies.has(arn) && !awsManagedPolicy(arn))
        return true;
    }
  }
  return false;
}

function assertFunctionsExist(snapshot: AccountSnapshot, functionNames: readonly string[]): void {
  const known = new Set(snapshot.functions.map((fn) => fn.FunctionName));
  // A function the source could not read (access denied, throttled) exists as far as we know: the audit
  // lists it under `errors` (exit 3), it is not a typo (exit 2).
  for (const error of snapshot.readErrors) {
    for (const name of [error.functionName, error.resource]) {
      if (name !== undefined) known.add(functionNameOf(name) ?? name);
    }
  }
  // A name, an ARN, or a qualified ARN (`…:function:NAME:alias`) all name the function NAME.
  const unknown = functionNames.filter((name) => !known.has(functionNameOf(name) ?? name));
  if (unknown.length > 0) {
    const where = snapshot.source.path ? `the export folder ${snapshot.source.path}` : 'the account';
    throw new InputError(
      `${unknown.length === 1 ? 'function' : 'functions'} ${unknown.join(', ')} not found in ${where} (${snapshot.functions.length} functions there)`,
    );
  }
}
