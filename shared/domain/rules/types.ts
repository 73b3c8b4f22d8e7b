/**
 * The shape of a rule: a pure function from what is known about one function to findings (cdk-nag
 * style). Rules never throw on purpose; the engine catches a rule that does and records the failure
 * against the function (fail closed).
 */

import type { FunctionConfiguration, PolicyProblem, Role, UnknownGrant } from '../model.js';
import type { ActionCatalog } from '../policy/action-catalog.js';
import type { PolicyDocument } from '../policy/document.js';
import type { ConditionContext, EvaluationResult, RolePolicies } from '../policy/evaluation-types.js';
import type { Finding, RuleId } from '../report.js';
import type { SourceFamily } from '../requirements/catalog.js';
import type { DerivedRequirements } from '../requirements/derive.js';

export interface RuleContext {
  readonly fn: FunctionConfiguration;
  readonly region: string;
  readonly roleArn: string;
  /** `undefined` when the snapshot has no such role (`role-unavailable`). */
  readonly role?: Role;
  readonly trustPolicy?: PolicyDocument;
  readonly policies: RolePolicies;
  readonly derived: DerivedRequirements;
  readonly catalog: ActionCatalog;
  /** Other functions using the same role (among those read: see `partialRead`). */
  readonly sharedWith: readonly string[];
  /** Only some functions were read: the role may have other functions the audit cannot see. */
  readonly partialRead: boolean;
  /** For each event-source family, the other functions of the role whose mappings use it. */
  readonly familiesOfOthers: ReadonlyMap<SourceFamily, readonly string[]>;
  /**
   * `evaluate(policies, …)` for a request Lambda makes with the role, memoised per role and region.
   * `anyName`: the resource's final `*` stands for any name (policy/any-name.ts).
   */
  evaluate(action: string, resource: string, anyName?: boolean): EvaluationResult;
  /** The condition keys known for a request on `resource` (see `conditionContext`), memoised. */
  requestContext(resource: string): ConditionContext;
  /**
   * What takes part in the role's permissions but is unknown (template mode: a role or policy defined
   * outside the template, an unresolvable statement): the verdicts that depend on it are `unverifiable`.
   */
  readonly unknownGrants?: readonly UnknownGrant[];
  /** Policies of the role found invalid before they could be read (template mode). */
  readonly policyProblems?: readonly PolicyProblem[];
}

/** A finding before the engine gives it its id and applies suppressions. */
export type RawFinding = Omit<Finding, 'id' | 'suppressed' | 'suppressionReason'> & {
  /** Every action the finding is about, when there are several (`action` holds the first). */
  readonly actions?: readonly string[];
};

export interface Rule {
  readonly id: RuleId;
  /**
   * `role` when the findings depend only on the role (its policies and trust policy), not on the function:
   * the engine then runs the rule once per role and region and gives each function of the role a copy.
   */
  readonly scope?: 'role';
  check(context: RuleContext): readonly RawFinding[];
}
