/**
 * The escaping functions of the CLI's media, for every value that comes from the account (function and
 * role names, ARNs, finding messages, which quote policy names, Sids, actions and resources):
 *
 * - the terminal: C0 and C1 control characters and whole escape sequences (colours, cursor moves, OSC 8
 *   hyperlinks, window titles) removed, line breaks and carriage returns turned into spaces, so that a
 *   value can neither repaint the screen nor hide or forge a line (`terminalText`);
 * - markdown (GitHub Flavored): values as code spans whose fence is longer than any backtick run of the
 *   value (so that nothing in it closes the span), with `|` escaped, which GFM requires even inside code
 *   spans in a table cell (`markdownCode`); free text (finding messages) with the characters markdown
 *   reads escaped by a backslash and autolinks (`https://`, `www.`) defanged, since GFM links bare URLs
 *   even where their punctuation is escaped (`markdownText`).
 *
 * https://github.github.com/gfm/#code-spans, https://github.github.com/gfm/#tables-extension-,
 * https://github.github.com/gfm/#autolinks-extension-
 */
import { defangLinks, plain } from '../../alerts/escape.js';

/** A value for the terminal: printable text only, on one line. */
export function terminalText(value: string): string {
  return plain(value);
}

/** A value as a markdown code span that nothing inside can close, safe in a table cell. */
export function markdownCode(value: string): string {
  const text = plain(value).replaceAll('|', '\\|');
  let longest = 0;
  let run = 0;
  for (const ch of text) {
    run = ch === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(longest + 1);
  // A span that starts or ends with a backtick needs a space inside the fence (CommonMark strips one).
  const padded = text.startsWith('`') || text.endsWith('`') || text === '' ? ` ${text} ` : text;
  return `${fence}${padded}${fence}`;
}

const MARKDOWN_SPECIAL = new Set(['\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '#', '!', '(', ')']);

/** Free text in markdown: specials escaped, bare links defanged, on one line. */
export function markdownText(value: string): string {
  let out = '';
  for (const ch of defangLinks(plain(value))) out += MARKDOWN_SPECIAL.has(ch) ? `\\${ch}` : ch;
  return out;
}
