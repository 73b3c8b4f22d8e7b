/**
 * One escaping function per medium, for every value that comes from the account or from an event (role
 * paths and names, policy names, Sids, actions, resources, tag values, the CloudTrail actor, request
 * parameters). Renderers pass such values through the function of the medium they write to, and nothing
 * else: our own words are fixed text.
 *
 * What each medium needs:
 * - every medium: no control characters (C0, DEL, C1), no terminal escape sequences (CSI, OSC, …), no
 *   invisible characters that change how text reads (bidirectional overrides and isolates, zero-width
 *   characters), no line breaks inside a value (`plain`);
 * - email text and the SNS subject: `plain`, and URL schemes and `www.` defanged (`https[:]//`,
 *   `www[.]`) so that mail clients do not turn a role path into a link (`emailText`). SNS requires the
 *   subject to be "UTF-8 text with no line breaks or control characters"
 *   (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html);
 * - Slack mrkdwn: `&`, `<` and `>` are Slack's control characters and must be sent as `&amp;`, `&lt;`,
 *   `&gt;` (https://docs.slack.dev/messaging/formatting-message-text#escaping); values go inside code
 *   spans, where Slack neither formats, links nor mentions, and a backtick, which no escape can keep
 *   inside a span, becomes `ˋ` (U+02CB) (`slackCode`);
 * - AWS Chatbot custom notifications: rendered "in the target chat platform's markdown"
 *   (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html), Slack's or Teams', so
 *   neither entity escaping nor backslashes mean the same everywhere: values go in code spans, and the
 *   characters that open links or mentions in either platform (`<`, `>`, `&`, backtick) become
 *   look-alikes that no platform parses (`chatbotCode`);
 * - terminal and markdown: see shared/cli/format/escape.ts, built on `plain`.
 *
 * Every function here is one linear pass over the value: no RegExp is built from account text.
 */

/** Characters removed from every value, besides C0/C1 controls: invisible ones that disguise text. */
function isInvisible(code: number): boolean {
  return (
    (code >= 0x200b && code <= 0x200f) || // zero-width space/joiners, LRM, RLM
    (code >= 0x202a && code <= 0x202e) || // bidirectional embeddings and overrides
    (code >= 0x2060 && code <= 0x2064) || // word joiner, invisible operators
    (code >= 0x2066 && code <= 0x2069) || // bidirectional isolates
    code === 0x061c || // Arabic letter mark
    code === 0xfeff || // zero-width no-break space
    code === 0x00ad // soft hyphen
  );
}

const ESC = 0x1b;
const BEL = 0x07;
const CSI8 = 0x9b;
const OSC8 = 0x9d;
const ST8 = 0x9c;

/** Index just after a CSI sequence's final byte (0x40–0x7E), starting at its first parameter byte. */
function skipCsi(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    i += 1;
    if (code >= 0x40 && code <= 0x7e) return i;
  }
  return i;
}

/** Index just after a string sequence (OSC, DCS, …): ended by BEL, ST (0x9C) or ESC \. */
function skipString(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === BEL || code === ST8) return i + 1;
    if (code === ESC) return text.charCodeAt(i + 1) === 0x5c ? i + 2 : i + 1;
    i += 1;
  }
  return i;
}

/**
 * The value as plain, single-line text: escape sequences removed whole, every other control character
 * removed, line and paragraph separators, tabs and line breaks turned into spaces, invisible characters
 * removed.
 */
export function plain(value: string): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const code = value.charCodeAt(i);
    if (code === ESC) {
      const next = value.charCodeAt(i + 1);
      if (next === 0x5b)
        i = skipCsi(value, i + 2); // ESC [
      else if (next === 0x5d || next === 0x50 || next === 0x58 || next === 0x5e || next === 0x5f)
        i = skipString(value, i + 2); // OSC, DCS, SOS, PM, APC
      else i += Number.isNaN(next) ? 1 : 2; // a two-character sequence (ESC c, ESC 7, …)
      continue;
    }
    if (code === CSI8) {
      i = skipCsi(value, i + 1);
      continue;
    }
    if (code === OSC8 || code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) {
      i = skipString(value, i + 1);
      continue;
    }
    i += 1;
    if (code === 0x09 || code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029) {
      out += ' ';
      continue;
    }
    if (code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f) || isInvisible(code)) continue;
    out += value[i - 1];
  }
  return out;
}

const TRUSTED_LINK_HOST = 'docs.aws.amazon.com/';

/**
 * Defangs what mail clients and chat clients turn into links by themselves: `scheme://` becomes
 * `scheme[:]//` and `www.` becomes `www[.]`, except `https://docs.aws.amazon.com/` (the documentation
 * links of rules and remediations). One pass; case-insensitive for `www.`.
 */
export function defangLinks(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (ch === ':' && text[i + 1] === '/' && text[i + 2] === '/') {
      // The AWS documentation links that rules and remediations carry stay live: that host is AWS's.
      const trusted = text.slice(i - 5, i) === 'https' && text.startsWith(TRUSTED_LINK_HOST, i + 3);
      out += trusted ? ':' : '[:]';
      continue;
    }
    if (
      (ch === 'w' || ch === 'W') &&
      (text[i + 1] === 'w' || text[i + 1] === 'W') &&
      (text[i + 2] === 'w' || text[i + 2] === 'W') &&
      text[i + 3] === '.'
    ) {
      out += `${text.slice(i, i + 3)}[.]`;
      i += 3;
      continue;
    }
    out += ch;
  }
  return out;
}

/** A value in a plain-text email body. */
export function emailText(value: string): string {
  return defangLinks(plain(value));
}

/**
 * An SNS subject: one line, no control characters, under 100 characters (SNS's limit). Long text is
 * shortened in the middle so that both ends, usually the most telling, survive.
 */
export function subjectText(text: string, max = 99): string {
  const clean = plain(text).replace(/ {2,}/g, ' ').trim();
  return shortenMiddle(clean, max);
}

/** Shortens in the middle with an ellipsis, counting UTF-16 code units (what SNS and Slack count). */
export function shortenMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  const tail = Math.floor(keep / 2);
  return `${safeSlice(text, 0, head)}…${safeSlice(text, text.length - tail, text.length)}`;
}

/** Shortens at the end with an ellipsis. */
export function shortenEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${safeSlice(text, 0, max - 1)}…`;
}

/** A slice that never splits a surrogate pair (a lone surrogate is invalid UTF-8 for SNS). */
function safeSlice(text: string, start: number, end: number): string {
  let s = start;
  let e = end;
  if (s > 0 && isLowSurrogate(text.charCodeAt(s))) s += 1;
  if (e < text.length && isLowSurrogate(text.charCodeAt(e))) e -= 1;
  return text.slice(s, Math.max(s, e));
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Slack's three control characters, for any text sent as mrkdwn or as the message's fallback text. */
export function slackText(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else out += ch;
  }
  return out;
}

/**
 * Our own words as read back from an alert's JSON (a big change's kinds and groups), for Slack mrkdwn
 * outside a code span: plain, links defanged, look-alikes for `<`, `>`, `&`, brackets and backticks. The
 * JSON is ours, but a notifier parses whatever reaches the topic, so nothing in it is trusted to be only
 * our words (which hold none of these characters, and so read the same).
 */
export function slackWords(text: string): string {
  return lookAlikes(plain(text), true, true);
}

/** The inside of a Slack code span for a value: plain, escaped, and unable to close the span. */
export function slackCode(value: string): string {
  return slackText(plain(value)).replaceAll('`', 'ˋ');
}

/** A value as a Slack code span. An empty value is shown as an empty pair of quotes. */
export function slackValue(value: string): string {
  const inside = slackCode(value);
  return inside.trim() === '' ? '`""`' : `\`${inside}\``;
}

/**
 * Text for a Slack `plain_text` object (headers, buttons): Slack formats none of it, but `<`, `>` and
 * `&` become look-alikes all the same (whether a client decodes entities there is not documented) and
 * links are defanged, so that nothing in it can mention, link or render differently anywhere.
 */
export function slackPlain(value: string): string {
  return lookAlikes(plain(value), true);
}

/** `<`, `>`, `&` (and, for markdown, `[`, `]`) as look-alikes; backticks too when `code` is set. */
function lookAlikes(text: string, brackets: boolean, code = false): string {
  let out = '';
  for (const ch of text) {
    if (ch === '<') out += '‹';
    else if (ch === '>') out += '›';
    else if (ch === '&') out += '＆';
    else if (code && ch === '`') out += 'ˋ';
    else if (brackets && ch === '[') out += '［';
    else if (brackets && ch === ']') out += '］';
    else out += ch;
  }
  return brackets || !code ? defangLinks(out) : out;
}

/** The inside of a Chatbot code span for a value: look-alikes for what Slack or Teams would parse. */
export function chatbotCode(value: string): string {
  return lookAlikes(plain(value), false, true);
}

/** A value as a Chatbot (client-markdown) code span. */
export function chatbotValue(value: string): string {
  const inside = chatbotCode(value);
  return inside.trim() === '' ? '`""`' : `\`${inside}\``;
}

/**
 * A value for a Chatbot field that is shown as plain text (title, summary, keywords, resources): the
 * same look-alikes, markdown's link brackets too, and links defanged, since no code span protects it.
 */
export function chatbotPlain(value: string): string {
  return lookAlikes(plain(value), true, true);
}

/**
 * JSON for people to read and paste (the recommended policy in an email or a markdown report): indented,
 * and every character that `plain` would remove (C1 controls, DEL, invisible and bidirectional
 * characters, line separators) written as a `\uXXXX` escape, which is the same string to any JSON
 * parser. JSON.stringify escapes C0 controls itself, not these.
 */
export function readableJson(value: unknown): string {
  const json = JSON.stringify(value, null, 2);
  let out = '';
  for (let i = 0; i < json.length; i += 1) {
    const unlinked = unlinkJsonAt(json, i);
    if (unlinked !== undefined) {
      out += unlinked;
      i += unlinked === ':\\/\\/' ? 2 : 3;
      continue;
    }
    const code = json.charCodeAt(i);
    const hidden = (code >= 0x7f && code <= 0x9f) || isInvisible(code) || code === 0x2028 || code === 0x2029;
    out += hidden ? `\\u${code.toString(16).padStart(4, '0')}` : (json[i] as string);
  }
  return out;
}

/**
 * Shell quoting for the paste-able command: a word of safe characters stays as it is, anything else goes
 * in single quotes (inside which only `'` needs care).
 */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_+=,.@/:-]+$/.test(word) && !word.startsWith('-')) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Inside JSON text, what mail and chat clients would turn into a link, written with JSON escapes that
 * mean the same characters: `://` as `:\/\/`, `www.` as `www\u002e`. Returns the replacement of the
 * text at `i` (3 or 4 characters), or `undefined`.
 */
function unlinkJsonAt(json: string, i: number): string | undefined {
  const ch = json[i];
  if (ch === ':' && json[i + 1] === '/' && json[i + 2] === '/') return ':\\/\\/';
  if (
    (ch === 'w' || ch === 'W') &&
    (json[i + 1] === 'w' || json[i + 1] === 'W') &&
    (json[i + 2] === 'w' || json[i + 2] === 'W') &&
    json[i + 3] === '.'
  )
    return `${json.slice(i, i + 3)}\\u002e`;
  return undefined;
}

/**
 * JSON for a policy document that is the same document to IAM and safe in every medium it is shown in:
 * compact, and every character outside printable ASCII, and every character that a shell, Slack or
 * markdown would read (`'`, backtick, `<`, `>`, `&`, `|`, `\`'s own escapes aside), written as a `\uXXXX`
 * escape, which JSON parsers (IAM's included) read back as the same character.
 */
export function inertJson(value: unknown): string {
  const json = JSON.stringify(value);
  let out = '';
  for (let i = 0; i < json.length; i += 1) {
    const unlinked = unlinkJsonAt(json, i);
    if (unlinked !== undefined) {
      out += unlinked;
      i += unlinked === ':\\/\\/' ? 2 : 3;
      continue;
    }
    const code = json.charCodeAt(i);
    const ch = json[i] as string;
    if (
      code < 0x20 ||
      code > 0x7e ||
      ch === "'" ||
      ch === '`' ||
      ch === '<' ||
      ch === '>' ||
      ch === '&' ||
      ch === '|'
    ) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out;
}
