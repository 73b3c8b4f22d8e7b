/**
 * The evaluator's vocabulary. Outcomes are values (a discriminated union), never exceptions: "not allowed"
 * is an expected answer. See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import type { SourcedDocument } from './document.js';

/** The policies that decide what a role may do. */
export interface RolePolicies {
  /** Inline policies and the default version of each attached managed policy. */
  readonly identity: readonly SourcedDocument[];
  /** The permissions boundary, when the role has one. */
  readonly boundary?: SourcedDocument;
}

/**
 * Condition keys whose value is known for requests Lambda makes with the role. A key absent from the
 * context is unknown, and a condition on it makes its statement `conditional`.
 */
export type ConditionContext = Readonly<Record<string, string | readonly string[]>>;

export interface EvaluationRequest {
  /** `service:Action` as AWS spells it. */
  readonly action: string;
  /** The resource ARN, or `*` for actions without a resource type. */
  readonly resource: string;
  /**
   * `true` when `resource` ends with a `*` that stands for "any name" (requirements.md §4, any-name.ts):
   * an Allow must cover every name; a Deny or NotResource that covers only some makes it `conditional`.
   */
  readonly anyName?: boolean;
  readonly context: ConditionContext;
}

/** A statement that took part in a decision, for messages and for the `cause` of excess findings. */
export interface StatementRef {
  readonly source: string;
  readonly statement: string;
}

export type EvaluationResult =
  | { readonly decision: 'allowed'; readonly allowedBy: readonly StatementRef[] }
  | { readonly decision: 'explicit-deny'; readonly deniedBy: readonly StatementRef[] }
  | {
      readonly decision: 'implicit-deny';
      /** Allow statements that cover only some of an any-name resource's names, which is not enough. */
      readonly partiallyAllowedBy?: readonly StatementRef[];
    }
  | { readonly decision: 'boundary'; readonly boundary: string }
  /** An Allow or Deny whose condition could not be decided with the known keys. */
  | { readonly decision: 'conditional'; readonly undecided: readonly StatementRef[] };

export type Decision = EvaluationResult['decision'];
