/**
 * `htmlText` is the HTML report's one escaping function: every value from the account or the report goes
 * through it, once, whether it lands in text, in a double-quoted attribute, or in inline SVG text (which
 * the HTML parser reads the same way). `&`, `<`, `>`, `"` and `'` become character references, so that a
 * value can neither open a tag (`<script>`, `</style>`) nor leave its attribute. Control characters
 * (C0 but tab and line breaks, DEL, C1) and the invisible and direction-changing characters that make
 * text read other than it is (U+202E and kin, zero-width characters) are left out, as the terminal's
 * `terminalText` does. One linear pass, no RegExp from account text.
 */

const REFERENCES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function htmlText(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    const ch = value[i] as string;
    const reference = REFERENCES[ch];
    if (reference !== undefined) out += reference;
    else if (code === 0x09 || code === 0x0a || code === 0x0d) out += ch;
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || isInvisible(code)) continue;
    else out += ch;
  }
  return out;
}

/** Zero-width and direction-changing characters. */
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
