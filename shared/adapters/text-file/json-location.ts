/**
 * Where a JSON text goes wrong, as a line and a column. Node 20's JSON.parse names a character offset for
 * some mistakes ("... in JSON at position 8") and none for others ("Unexpected token '}', ... is not valid
 * JSON", "Unexpected end of JSON input"), so the offset is found here by a strict RFC 8259 scan of the
 * text: one pass, no recursion (an explicit stack), so a hostile file of deep nesting costs linear time.
 * Used only after JSON.parse has failed.
 */

/** The offset of the first character at which `text` stops being JSON, or undefined when it is JSON. */
export function firstJsonErrorOffset(text: string): number | undefined {
  const scanner = new Scanner(text);
  return scanner.scan();
}

/** Line and column (both from 1) of a character offset; a column counts UTF-16 code units, as editors do. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let index = 0; index < end; index++) {
    if (text.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * JSON.parse's message with a line and column added: from the offset it names when it names one, else from
 * the scan. The message is returned unchanged when neither gives a place.
 */
export function jsonErrorWithLocation(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const named = /at position (\d+)/.exec(message)?.[1];
  const offset = named === undefined ? firstJsonErrorOffset(text) : Number(named);
  if (offset === undefined) return message;
  const { line, column } = lineAndColumn(text, offset);
  const where = offset >= text.length ? 'at the end of the text, ' : '';
  return `${message} (${where}line ${line}, column ${column})`;
}

/** What the scan expects next. */
type Expect =
  | 'value'
  | 'value-or-array-end'
  | 'comma-or-array-end'
  | 'key-or-object-end'
  | 'key'
  | 'colon'
  | 'comma-or-object-end';

class Scanner {
  private index = 0;
  /** Open containers: true for an object, false for an array. */
  private readonly open: boolean[] = [];

  constructor(private readonly text: string) {}

  scan(): number | undefined {
    let expect: Expect = 'value';
    for (;;) {
      this.skipSpace();
      if (this.index >= this.text.length) return this.index;
      const char = this.text[this.index] as string;
      switch (expect) {
        case 'value':
        case 'value-or-array-end': {
          if (expect === 'value-or-array-end' && char === ']') {
            this.index++;
            this.open.pop();
            break;
          }
          if (char === '{') {
            this.index++;
            this.open.push(true);
            expect = 'key-or-object-end';
            continue;
          }
          if (char === '[') {
            this.index++;
            this.open.push(false);
            expect = 'value-or-array-end';
            continue;
          }
          if (!this.scalar()) return this.index;
          break;
        }
        case 'key-or-object-end':
        case 'key': {
          if (expect === 'key-or-object-end' && char === '}') {
            this.index++;
            this.open.pop();
            break;
          }
          if (char !== '"' || !this.string()) return this.index;
          expect = 'colon';
          continue;
        }
        case 'colon': {
          if (char !== ':') return this.index;
          this.index++;
          expect = 'value';
          continue;
        }
        case 'comma-or-array-end':
        case 'comma-or-object-end': {
          const inObject: boolean = expect === 'comma-or-object-end';
          if (char === ',') {
            this.index++;
            expect = inObject ? 'key' : 'value';
            continue;
          }
          if (char !== (inObject ? '}' : ']')) return this.index;
          this.index++;
          this.open.pop();
          break;
        }
      }
      // A value is complete: what may follow depends on the container it is in.
      if (this.open.length === 0) {
        this.skipSpace();
        return this.index < this.text.length ? this.index : undefined;
      }
      expect = this.open[this.open.length - 1] ? 'comma-or-object-end' : 'comma-or-array-end';
    }
  }

  private skipSpace(): void {
    const text = this.text;
    while (this.index < text.length) {
      const code = text.charCodeAt(this.index);
      if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return;
      this.index++;
    }
  }

  /** A string, number or literal at the index; false (index at the fault) when it is not one. */
  private scalar(): boolean {
    const char = this.text[this.index];
    if (char === '"') return this.string();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.index)) {
        this.index += literal.length;
        return true;
      }
    }
    // The fault is where the literal stops matching, as JSON.parse would see it.
    for (const literal of ['true', 'false', 'null']) {
      if (literal[0] === char) {
        let matched = 0;
        while (literal[matched] === this.text[this.index + matched]) matched++;
        this.index += matched;
        return false;
      }
    }
    return false;
  }

  private string(): boolean {
    const text = this.text;
    this.index++; // the opening quote
    while (this.index < text.length) {
      const code = text.charCodeAt(this.index);
      if (code === 0x22) {
        this.index++;
        return true;
      }
      if (code < 0x20) return false;
      if (code === 0x5c) {
        const escaped = text[this.index + 1];
        if (escaped === 'u') {
          for (let digit = 2; digit < 6; digit++) {
            if (!/^[0-9a-fA-F]$/.test(text[this.index + digit] ?? '')) {
              this.index += digit;
              return false;
            }
          }
          this.index += 6;
          continue;
        }
        if (escaped === undefined || !'"\\/bfnrt'.includes(escaped)) {
          this.index++;
          return false;
        }
        this.index += 2;
        continue;
      }
      this.index++;
    }
    return false;
  }

  private number(): boolean {
    const text = this.text;
    if (text[this.index] === '-') this.index++;
    if (text[this.index] === '0') this.index++;
    else if (!this.digits()) return false;
    if (text[this.index] === '.') {
      this.index++;
      if (!this.digits()) return false;
    }
    if (text[this.index] === 'e' || text[this.index] === 'E') {
      this.index++;
      if (text[this.index] === '+' || text[this.index] === '-') this.index++;
      if (!this.digits()) return false;
    }
    return true;
  }

  private digits(): boolean {
    const start = this.index;
    while (this.index < this.text.length) {
      const char = this.text[this.index] as string;
      if (char < '0' || char > '9') break;
      this.index++;
    }
    return this.index > start;
  }
}
