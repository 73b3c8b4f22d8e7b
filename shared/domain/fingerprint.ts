/**
 * Stable finding ids: the same problem gets the same id in every run, so that alerts de-duplicate.
 * FNV-1a 64 over a canonical string, written out here so that the domain needs no platform crypto
 * (it is not a security hash; collisions among one account's findings are what matters, and 64 bits
 * make them negligible). http://www.isthe.com/chongo/tech/comp/fnv/
 */
import type { FindingCause, RuleId } from './report.js';

const encoder = new TextEncoder();

/**
 * FNV-1a 64 of the UTF-8 bytes of `text`, as 16 hex digits. The 64-bit state is kept in four 16-bit limbs
 * (plain numbers, no BigInt): the prime is 2^40 + 0x1b3, so multiplying is `h * 0x1b3 + (h << 40)`.
 */
export function fnv1a64(text: string): string {
  // Offset basis 0xcbf29ce484222325, low limb first.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  const step = (byte: number): void => {
    h0 ^= byte;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      step(code); // ASCII is its own UTF-8: ARNs and actions never leave this path
      continue;
    }
    for (const byte of encoder.encode(text.slice(i))) step(byte);
    break;
  }
  return [h3, h2, h1, h0].map((limb) => limb.toString(16).padStart(4, '0')).join('');
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
