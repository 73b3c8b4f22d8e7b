/**
 * Stable finding ids: the same problem gets the same id in every run, so that alerts de-duplicate.
 * FNV-1a 64 over a canonical string, written out here so that the domain needs no platform crypto
 * (it is not a security hash; collisions among one account's findings are what matters, and 64 bits
 * make them negligible). http://www.isthe.com/chongo/tech/comp/fnv/
 */
import type { FindingCause, RuleId } from './report.js';

const encoder = new TextEncoder();

/**
 * A running FNV-1a 64 hash. The 64-bit state is kept in four 16-bit limbs (plain numbers, no BigInt): the
 * prime is 2^40 + 0x1b3, so multiplying is `h * 0x1b3 + (h << 40)`. Text is hashed as its UTF-8 bytes, piece
 * by piece: hashing two pieces is hashing their concatenation (the pieces of an id are separated by ASCII,
 * so no surrogate pair is ever cut in two).
 */
class Fnv64 {
  // Offset basis 0xcbf29ce484222325, low limb first.
  private h0 = 0x2325;
  private h1 = 0x8422;
  private h2 = 0x9ce4;
  private h3 = 0xcbf2;

  /** Takes the state of `other`. */
  set(other: Fnv64): this {
    this.h0 = other.h0;
    this.h1 = other.h1;
    this.h2 = other.h2;
    this.h3 = other.h3;
    return this;
  }

  byte(byte: number): void {
    const h0 = this.h0 ^ byte;
    const t0 = h0 * 0x1b3;
    const t1 = this.h1 * 0x1b3 + (t0 >>> 16);
    const t2 = this.h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = this.h3 * 0x1b3 + (this.h1 << 8) + (t2 >>> 16);
    this.h0 = t0 & 0xffff;
    this.h1 = t1 & 0xffff;
    this.h2 = t2 & 0xffff;
    this.h3 = t3 & 0xffff;
  }

  /**
   * The ASCII prefix of `text` from `start` (lower-cased when `lower`), hashed with the state in locals
   * rather than in the fields at every byte (a third of the time of finalising a findings-heavy
   * account's findings went there). Returns where the first non-ASCII code unit is, or the length.
   */
  private ascii(text: string, start: number, lower: boolean): number {
    let h0 = this.h0;
    let h1 = this.h1;
    let h2 = this.h2;
    let h3 = this.h3;
    let i = start;
    for (; i < text.length; i++) {
      let code = text.charCodeAt(i);
      if (code >= 0x80) break;
      if (lower && code >= 65 && code <= 90) code += 32;
      h0 ^= code;
      const t0 = h0 * 0x1b3;
      const t1 = h1 * 0x1b3 + (t0 >>> 16);
      const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
      const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
      h3 = t3 & 0xffff;
    }
    this.h0 = h0;
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
    return i;
  }

  text(text: string): void {
    // ASCII is its own UTF-8: ARNs and actions never leave the fast path.
    const i = this.ascii(text, 0, false);
    if (i < text.length) for (const byte of encoder.encode(text.slice(i))) this.byte(byte);
  }

  /** The text lower-cased (as `toLowerCase`), without building it when it is ASCII. */
  lowerText(text: string): void {
    const i = this.ascii(text, 0, true);
    // Lower-casing may depend on what precedes (a final sigma): the whole text, then the rest of it.
    if (i < text.length) this.text(text.toLowerCase().slice(i));
  }

  /** The 16 hex digits, high limb first. */
  hex(): string {
    return limbHex(this.h3) + limbHex(this.h2) + limbHex(this.h1) + limbHex(this.h0);
  }
}

/** The four hex digits of a 16-bit limb, from their character codes (no toString and padStart). */
function limbHex(limb: number): string {
  return String.fromCharCode(
    HEX[limb >>> 12] as number,
    HEX[(limb >>> 8) & 15] as number,
    HEX[(limb >>> 4) & 15] as number,
    HEX[limb & 15] as number,
  );
}

/** The character codes of the hex digits 0-9a-f. */
const HEX = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

/** FNV-1a 64 of the UTF-8 bytes of `text`, as 16 hex digits. */
export function fnv1a64(text: string): string {
  const hash = new Fnv64();
  hash.text(text);
  return hash.hex();
}

export interface FingerprintInput {
  readonly functionArn: string;
  readonly rule: RuleId;
  readonly action?: string | undefined;
  readonly resource?: string | undefined;
  readonly cause?: FindingCause | undefined;
}

/** The unit separator between the fields of the canonical string. */
const SEPARATOR = 0x1f;

/** The fields after the function ARN, hashed onto `hash`. */
function hashFinding(hash: Fnv64, input: Omit<FingerprintInput, 'functionArn'>): string {
  hash.text(input.rule);
  hash.byte(SEPARATOR);
  if (input.action !== undefined) hash.lowerText(input.action);
  hash.byte(SEPARATOR);
  if (input.resource !== undefined) hash.text(input.resource);
  hash.byte(SEPARATOR);
  const cause = input.cause;
  if (cause === undefined) return hash.hex();
  if (cause.kind === 'event-source-mapping') {
    hash.text('esm|');
    hash.text(cause.uuid);
    hash.byte(0x7c); // |
    if (cause.eventSourceArn !== undefined) hash.text(cause.eventSourceArn);
  } else if (cause.kind === 'function-configuration') {
    hash.text('setting|');
    hash.text(cause.setting);
  } else {
    hash.text(cause.kind);
    hash.byte(0x7c);
    if (cause.policy !== undefined) hash.text(cause.policy);
    hash.byte(0x7c);
    if (cause.statement !== undefined) hash.text(cause.statement);
  }
  return hash.hex();
}

/**
 * The finding id: FNV-1a 64 of `functionArn␟rule␟action␟resource␟cause`, where the action is lower-cased
 * (IAM compares actions case-insensitively) and the cause is `esm|UUID|SOURCE`, `setting|SETTING` or
 * `KIND|POLICY|STATEMENT`. A mapping's `state` is left out: disabling a mapping does not make its problem a
 * new one.
 */
export function findingId(input: FingerprintInput): string {
  return findingIdsOf(input.functionArn)(input);
}

/**
 * `findingId` for the findings of one function: its ARN is hashed once, each finding's fields onto a copy.
 * The canonical string is never built.
 */
export function findingIdsOf(functionArn: string): (input: Omit<FingerprintInput, 'functionArn'>) => string {
  const prefix = new Fnv64();
  prefix.text(functionArn);
  prefix.byte(SEPARATOR);
  // One running hash, reset to the prefix for each finding (hashing is synchronous: no two at once).
  const hash = new Fnv64();
  return (input) => hashFinding(hash.set(prefix), input);
}
