/**
 * The report: what `audit --format json` prints and what alerts carry. Its shape is the public contract
 * `report.schema.json` (version 1): names here may be added to, never renamed.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RULE_IDS = [
  'missing-permission',
  'wildcard-action',
  'unused-source-permission',
  'overbroad-resource',
  'trust-policy-not-lambda',
  'trust-policy-too-broad',
  'role-unavailable',
  'unknown-action',
  'invalid-policy',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** Why a needed action is not allowed. */
export type DenyDecision = 'implicit-deny' | 'explicit-deny' | 'boundary' | 'conditional' | 'unverifiable';

export type FindingCause =
  | {
      readonly kind: 'event-source-mapping';
      readonly uuid: string;
      readonly eventSourceArn?: string;
      readonly state?: string;
    }
  | { readonly kind: 'function-configuration'; readonly setting: string }
  | { readonly kind: 'policy' | 'trust-policy'; readonly policy?: string; readonly statement?: string };

/** Where something is defined in a template (template mode): the file, the resource and its line. */
export interface TemplateLocation {
  readonly file: string;
  readonly logicalId: string;
  /** 1-based line of the resource, or of the policy statement for findings that come from one. */
  readonly line?: number;
  /** The CDK stack (`--cdk-out`). */
  readonly stack?: string;
  /** The CDK construct path, where the template has it. */
  readonly constructPath?: string;
}

/** Where a suppression comes from: the deployment's suppressions file, or the suppress tag on the function or its role. */
export type SuppressionSource =
  | { readonly kind: 'file' }
  | { readonly kind: 'tag'; readonly on: 'function' | 'role'; readonly arn: string };

export interface Finding {
  readonly id: string;
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  readonly action?: string;
  readonly resource?: string;
  readonly decision?: DenyDecision;
  readonly cause?: FindingCause;
  /**
   * Every statement that causes an excess finding, when there are several (`cause` is the first): the
   * same (rule, action, resource) is one finding per function, naming each statement that grants it.
   */
  readonly causes?: readonly FindingCause[];
  /**
   * For a finding whose every cause is an AWS managed policy that AWS recommends for the function's
   * configuration: the names of those policies. Its severity is then `info` (or the configured level).
   */
  readonly awsManagedBaseline?: readonly string[];
  readonly suppressed?: boolean;
  readonly suppressionReason?: string;
  /** Set with `suppressed`: the file or the tag that suppressed it. */
  readonly suppressionSource?: SuppressionSource;
  /**
   * The suppress tag names this finding's rule but may not suppress it (critical, high, or a trust-policy
   * rule by default): why. The finding stays open.
   */
  readonly suppressionRefused?: string;
  readonly remediation?: string;
  /** Template mode: the resource (and line) the finding comes from: a statement, a mapping, the function. */
  readonly template?: TemplateLocation;
}

/**
 * A need the audit could not check, and why: the key of a queue, stream, topic or secret that is not known
 * (requirements.md §2a). Not a finding (it claims nothing is missing) and never dropped silently.
 */
export interface UnverifiedNeed {
  /** The actions the function needs if the resource is encrypted with a customer managed key. */
  readonly actions: readonly string[];
  /** The queue, stream, topic or secret whose key is not known. */
  readonly resource: string;
  readonly reason: string;
  readonly cause?: FindingCause;
}

export interface FunctionResult {
  readonly functionName: string;
  /** Qualified (`…:function:NAME:3`) for a published version that a qualified mapping or config names. */
  readonly functionArn: string;
  readonly roleArn: string;
  readonly compliant: boolean;
  readonly findings: readonly Finding[];
  readonly recommendedPolicy?: RecommendedPolicy | null;
  readonly sharedWith?: readonly string[];
  /** A published version's number: this result judges that version with its own role and configuration. */
  readonly version?: string;
  /** The aliases (of the mappings and invoke configs read) that route invocations to this version. */
  readonly aliases?: readonly string[];
  /** Needs whose resource's encryption key is not known, each with the reason. */
  readonly unverified?: readonly UnverifiedNeed[];
  /** Template mode: where the function is defined. */
  readonly template?: TemplateLocation;
}

export interface RecommendedStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

export interface RecommendedPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly RecommendedStatement[];
}

export interface ReportError {
  readonly functionName?: string;
  readonly resource?: string;
  readonly message: string;
}

/**
 * Something odd in the input that did not stop any function from being audited: a function listed twice
 * with the same configuration, an event source mapping whose function does not exist. Unlike `errors`, a
 * warning leaves the audit complete (it does not make the exit status 3).
 */
export type ReportWarning = ReportError;

export interface Report {
  readonly schemaVersion: '1';
  readonly generatedAt: string;
  readonly tool?: { readonly name: string; readonly version: string };
  readonly source: {
    readonly kind: 'live' | 'export' | 'template';
    readonly account?: string;
    readonly region?: string;
    /** Every region audited, when there are several (`region` is then absent). */
    readonly regions?: readonly string[];
    readonly path?: string;
  };
  readonly summary: {
    readonly functions: number;
    readonly compliant: number;
    readonly findings: Partial<Record<Severity, number>>;
  };
  readonly functions: readonly FunctionResult[];
  readonly errors?: readonly ReportError[];
  /** What the reader should know about the whole audit (e.g. needs that could not be checked, and why). */
  readonly notes?: readonly string[];
  /** Input warnings (see `ReportWarning`); absent when there are none. */
  readonly warnings?: readonly ReportWarning[];
}
