/**
 * IAM policy documents, normalised once at the boundary so that the evaluator works on one shape.
 *
 * AWS accepts `Statement`, `Action`, `NotAction`, `Resource`, `NotResource` as a string, an object or an
 * array, and its APIs return documents either as JSON objects (the AWS CLI, which decodes them) or as
 * RFC 3986 URL-encoded JSON strings (the IAM API as the JavaScript SDK v3 sees it). See
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

/** `Principal` after normalisation: every value is a list. `'*'` stays the bare wildcard. */
export type Principal =
  | '*'
  | { AWS?: string[]; Service?: string[]; Federated?: string[]; CanonicalUser?: string[] };

/** Condition block: operator → key → values (always a list of strings after normalisation). */
export type ConditionBlock = Record<string, Record<string, string[]>>;

export interface PolicyStatement {
  /** The statement's `Sid`, or its index in the document when it has none. */
  readonly id: string;
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource?: readonly string[];
  readonly NotResource?: readonly string[];
  readonly Principal?: Principal;
  readonly NotPrincipal?: Principal;
  readonly Condition?: ConditionBlock;
  /** Elements IAM does not know (`Actions`, `Resources`…): IAM rejects a statement that has one. */
  readonly unknownElements?: readonly string[];
}

/**
 * A statement that could not be normalised at all (not an object, an `Effect` other than `Allow`/`Deny`,
 * an element of the wrong type). IAM would reject the policy; the statement is kept, with what is wrong,
 * so that the document is still audited and rule `invalid-policy` can name it. It grants and denies
 * nothing (see policy-problems.ts).
 */
export interface RejectedStatement {
  /** The statement's `Sid` when it has a usable one, else its index in the document. */
  readonly id: string;
  readonly index: number;
  readonly Sid?: string;
  readonly problem: string;
}

export interface PolicyDocument {
  /** As written (a non-string Version is kept as its JSON text, which no valid Version equals). */
  readonly Version?: string;
  /** The statements that could be normalised, in document order (invalid ones included: see policy-problems.ts). */
  readonly Statement: readonly PolicyStatement[];
  /** Statements that could not be normalised; absent when there are none. */
  readonly rejected?: readonly RejectedStatement[];
}

/** A document as read: parsed, or the reason it could not be. Unreadable documents are kept, not dropped. */
export type DocumentResult =
  | { readonly ok: true; readonly document: PolicyDocument }
  | { readonly ok: false; readonly error: string };

/** Where a document came from, in the report's vocabulary: a managed policy ARN, `inline:NAME`, `boundary:ARN`. */
export interface SourcedDocument {
  readonly source: string;
  readonly document: PolicyDocument;
}
