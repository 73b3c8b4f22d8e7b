/**
 * Text for a terminal: what an account value may contain and a terminal must not receive, and how wide
 * text is on screen.
 *
 * `terminalText` is the terminal's one escaping function (every account value goes through it, once):
 * escape sequences removed whole (CSI, OSC such as hyperlinks and window titles, other ESC sequences),
 * every other C0/C1 control and DEL removed, line breaks and tabs turned into spaces, so that a value can
 * neither repaint the screen nor forge a line. One linear pass, no RegExp from account text.
 */

const ESC = 0x1b;
const BEL = 0x07;

export function terminalText(value: string): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const code = value.charCodeAt(i);
    if (code === ESC || code === 0x9b || code === 0x9d || code === 0x90 || code === 0x9e || code === 0x9f) {
      i = skipSequence(value, i);
      continue;
    }
    if (code === 0x0a || code === 0x0d || code === 0x09 || code === 0x2028 || code === 0x2029) {
      out += ' ';
    } else if (code >= 0x20 && !(code >= 0x7f && code <= 0x9f) && !isInvisible(code)) {
      out += value[i];
    }
    i += 1;
  }
  return out;
}

/** Zero-width and direction-changing characters: they make text read other than it is. */
function isInvisible(code: number): boolean {
  return (
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2064) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0x061c ||
    code === 0xfeff ||
    code === 0x00ad
  );
}

/** Index just after the escape sequence that starts at `start`. */
function skipSequence(text: string, start: number): number {
  const first = text.charCodeAt(start);
  let i = start + 1;
  let kind: 'csi' | 'string' | 'one';
  if (first === 0x9b) kind = 'csi';
  else if (first !== ESC) kind = 'string';
  else {
    const next = text.charCodeAt(i);
    if (next === 0x5b) {
      kind = 'csi';
      i += 1;
    } else if (next === 0x5d || next === 0x50 || next === 0x58 || next === 0x5e || next === 0x5f) {
      kind = 'string';
      i += 1;
    } else {
      kind = 'one';
    }
  }
  if (kind === 'one') {
    // ESC, intermediates (0x20–0x2F), one final byte.
    while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i += 1;
    return Math.min(text.length, i + 1);
  }
  if (kind === 'csi') {
    while (i < text.length) {
      const code = text.charCodeAt(i);
      i += 1;
      if (code >= 0x40 && code <= 0x7e) return i;
    }
    return i;
  }
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === BEL || code === 0x9c) return i + 1;
    if (code === ESC) return text.charCodeAt(i + 1) === 0x5c ? i + 2 : i + 1;
    i += 1;
  }
  return i;
}

/** Columns a code point takes: 0 for combining marks, 2 for wide East Asian and emoji, else 1. */
export function codePointWidth(code: number): number {
  if (
    (code >= 0x0300 && code <= 0x036f) ||
    (code >= 0x1ab0 && code <= 0x1aff) ||
    (code >= 0x20d0 && code <= 0x20ff) ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    (code >= 0xfe20 && code <= 0xfe2f) ||
    code === 0x200d
  ) {
    return 0;
  }
  if (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Columns `text` takes on screen (text without escape sequences). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += codePointWidth(ch.codePointAt(0) ?? 0);
  return width;
}
