/**
 * Stable finding ids: the same problem gets the same id in every run, so that alerts de-duplicate.
 * FNV-1a 64 over a canonical string, written out here so that the domain needs no platform crypto
 * (it is not a security hash; collisions among one account's findings are what matters, and 64 bits
 * make them negligible). http://www.isthe.com/chongo/tech/comp/fnv/
 */
import type { FindingCause, RuleId } from './report.js';

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** FNV-1a 64 of the UTF-8 bytes of `text`, as 16 hex digits. */
export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}

export interface FingerprintInput {
  readonly functionArn: string;
  readonly rule: RuleId;
  readonly action?: string;
  readonly resource?: string;
  readonly cause?: FindingCause;
}

/**
 * The finding id. A mapping's `state` is left out: disabling a mapping does not make its problem a new one.
 * Actions are lower-cased because IAM compares them case-insensitively.
 */
export function findingId(input: FingerprintInput): string {
  const cause = input.cause;
  const causeKey =
    cause === undefined
      ? ''
      : cause.kind === 'event-source-mapping'
        ? `esm|${cause.uuid}|${cause.eventSourceArn ?? ''}`
        : cause.kind === 'function-configuration'
          ? `setting|${cause.setting}`
          : `${cause.kind}|${cause.policy ?? ''}|${cause.statement ?? ''}`;
  const canonical = [
    input.functionArn,
    input.rule,
    (input.action ?? '').toLowerCase(),
    input.resource ?? '',
    causeKey,
  ].join('\u001f');
  return fnv1a64(canonical);
}
