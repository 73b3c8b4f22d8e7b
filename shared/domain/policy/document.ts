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
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly PolicyStatement[];
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
