/**
 * `JSON.stringify(value)` (or `JSON.stringify(value, null, indent)`), written in pieces rather than built as
 * one string: a report of 5,000 functions is tens of megabytes of JSON, which as one string (then one buffer
 * for the stream) doubles the audit's memory at its peak. The bytes are the same as JSON.stringify's:
 * containers down to `depth` (the report's object and its arrays) are written member by member, in the
 * order and with the omissions JSON.stringify has (own enumerable string keys in `Object.keys` order;
 * undefined, functions and symbols dropped from objects and written `null` in arrays); everything deeper,
 * and any object with a `toJSON`, goes through JSON.stringify itself.
 */

export interface JsonStreamOptions {
  /** Spaces of indentation, as JSON.stringify's third argument (0 or absent: compact). */
  readonly indent?: number;
  /** How many levels of containers are written member by member (default 2: an object and its arrays). */
  readonly depth?: number;
  /**
   * Small pieces are gathered until at least this many characters, then written; a piece this large is
   * written on its own (default 64 KiB).
   */
  readonly chunkSize?: number;
  /**
   * An array (found by identity) whose items were written beforehand into `items` (a `JsonItems` made for
   * the same indent and the array's level): its bytes go out through `writeBytes` in the array's place.
   */
  readonly splice?: {
    readonly at: readonly unknown[];
    readonly items: JsonItems;
    readonly writeBytes: (bytes: Uint8Array) => void;
  };
}

/**
 * The items of an array that `writeJson` will write at `level`, rendered one by one as they come (each as
 * `writeJson` renders it, with its separator) and kept as UTF-8 bytes, not as objects or strings: the
 * report's functions of a large account take a third of the memory this way, and the garbage collector
 * does not trace them. Items are written as values (JSON.stringify), never member by member.
 */
export class JsonItems {
  private static readonly CHUNK = 1 << 20;
  private readonly indent: string;
  private readonly full: Uint8Array[] = [];
  // A Buffer, not a TextEncoder: Buffer#write encodes UTF-8 about three times as fast as encodeInto on
  // Node 20, which was a tenth of a findings-heavy audit's time.
  private chunk = Buffer.allocUnsafe(JsonItems.CHUNK);
  private used = 0;
  /** How many items were added. */
  count = 0;

  constructor(
    indent: number | undefined,
    private readonly level: number,
  ) {
    this.indent = indentOf(indent);
  }

  add(item: unknown): void {
    const json = jsonText(item, this.level + 1, this.indent) ?? 'null';
    const open = this.indent === '' ? '' : `\n${this.indent.repeat(this.level + 1)}`;
    const separator = this.count === 0 ? open : `,${open}`;
    this.count += 1;
    // At most 3 bytes per UTF-16 code unit.
    const most = (separator.length + json.length) * 3;
    if (most > this.chunk.length - this.used) {
      this.seal();
      if (most > this.chunk.length) {
        this.full.push(Buffer.from(separator + json, 'utf8'));
        return;
      }
    }
    // The separator and the item are written one after the other, not joined first into a new string.
    if (separator !== '') this.used += this.chunk.write(separator, this.used, 'utf8');
    this.used += this.chunk.write(json, this.used, 'utf8');
  }

  /** The bytes so far, in order (the last chunk trimmed to what it holds). */
  bytes(): Uint8Array[] {
    this.seal();
    return this.full;
  }

  private seal(): void {
    if (this.used === 0) return;
    this.full.push(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(JsonItems.CHUNK);
    this.used = 0;
  }
}

function indentOf(indent: number | undefined): string {
  return ' '.repeat(Math.max(0, Math.min(10, Math.floor(indent ?? 0))));
}

/** `JSON.stringify(item)` as it is written at `level` of a document indented by `indent`. */
function jsonText(item: unknown, level: number, indent: string): string | undefined {
  const json = indent === '' ? JSON.stringify(item) : JSON.stringify(item, null, indent);
  // Nested values are indented as deep as they sit: JSON strings hold no raw line break, so every line
  // break of `json` is one of JSON.stringify's own.
  return json === undefined || indent === '' || level === 0
    ? json
    : json.replaceAll('\n', `\n${indent.repeat(level)}`);
}

/** Writes `JSON.stringify(value, null, indent)` through `write`, in chunks of about `chunkSize` characters. */
export function writeJson(
  value: unknown,
  write: (text: string) => void,
  options: JsonStreamOptions = {},
): void {
  const indent = indentOf(options.indent);
  const chunkSize = options.chunkSize ?? 65_536;
  let pending = '';
  const emit = (text: string): void => {
    // A piece as large as a chunk goes out as it is (JSON.stringify made it flat), not joined to others.
    if (text.length >= chunkSize) {
      if (pending !== '') write(pending);
      pending = '';
      write(text);
      return;
    }
    pending += text;
    if (pending.length >= chunkSize) {
      write(pending);
      pending = '';
    }
  };
  const text = (item: unknown, level: number): string | undefined => jsonText(item, level, indent);
  const splice = options.splice;
  const walk = (item: unknown, level: number): boolean => {
    if (level >= (options.depth ?? 2) || !isWalkable(item)) {
      const json = text(item, level);
      if (json === undefined) return false;
      emit(json);
      return true;
    }
    const open = indent === '' ? '' : `\n${indent.repeat(level + 1)}`;
    const close = indent === '' ? '' : `\n${indent.repeat(level)}`;
    const colon = indent === '' ? ':' : ': ';
    let first = true;
    if (splice !== undefined && Array.isArray(item) && item === splice.at && item.length === 0) {
      if (splice.items.count === 0) {
        emit('[]');
        return true;
      }
      if (pending !== '') write(pending);
      pending = '';
      write('[');
      for (const bytes of splice.items.bytes()) splice.writeBytes(bytes);
      emit(`${close}]`);
      return true;
    }
    if (Array.isArray(item)) {
      emit('[');
      for (let index = 0; index < item.length; index++) {
        emit(first ? open : `,${open}`);
        first = false;
        if (!walk(item[index], level + 1)) emit('null');
      }
      emit(first ? ']' : `${close}]`);
      return true;
    }
    emit('{');
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const member = record[key];
      if (!isWritten(member)) continue;
      emit(`${first ? open : `,${open}`}${JSON.stringify(key)}${colon}`);
      first = false;
      walk(member, level + 1);
    }
    emit(first ? '}' : `${close}}`);
    return true;
  };
  if (walk(value, 0)) {
    if (pending !== '') write(pending);
  }
}

/** What JSON.stringify writes as an object member (it leaves out undefined, functions and symbols). */
function isWritten(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/** A plain array or object without `toJSON`, which JSON.stringify would write member by member itself. */
function isWalkable(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return (
    (prototype === Object.prototype || prototype === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}
