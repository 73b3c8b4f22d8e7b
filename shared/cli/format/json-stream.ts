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
}

/** Writes `JSON.stringify(value, null, indent)` through `write`, in chunks of about `chunkSize` characters. */
export function writeJson(
  value: unknown,
  write: (text: string) => void,
  options: JsonStreamOptions = {},
): void {
  const indent = ' '.repeat(Math.max(0, Math.min(10, Math.floor(options.indent ?? 0))));
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
  const text = (item: unknown, level: number): string | undefined => {
    const json = indent === '' ? JSON.stringify(item) : JSON.stringify(item, null, indent);
    // Nested values are indented as deep as they sit: JSON strings hold no raw line break, so every line
    // break of `json` is one of JSON.stringify's own.
    return json === undefined || indent === '' || level === 0
      ? json
      : json.replaceAll('\n', `\n${indent.repeat(level)}`);
  };
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
