/**
 * Sentences that keep our words apart from the account's values, so that each medium can write each
 * value through its escaping function (escape.ts) and its own words as they are. A sentence is a list of
 * pieces: a string is our text, `{ value }` is text from the account or an event.
 */
import { chatbotPlain, chatbotValue, emailText, plain, slackPlain, slackText, slackValue } from './escape.js';

export interface Value {
  readonly value: string;
}

export type Piece = string | Value;
export type Rich = readonly Piece[];

/** Marks text from the account or an event. */
export function v(value: string): Value {
  return { value };
}

export type Medium = 'email' | 'slack' | 'slack-plain' | 'chatbot' | 'chatbot-plain';

/**
 * The sentence in a medium: `email` (plain text), `slack` (mrkdwn, values as code spans), `slack-plain`
 * (Slack plain_text objects: headers, buttons), `chatbot` (client-markdown, values as code spans),
 * `chatbot-plain` (Chatbot fields shown without markdown).
 */
export function render(rich: Rich, medium: Medium): string {
  let out = '';
  for (const piece of rich) {
    if (typeof piece === 'string') {
      out += medium === 'slack' ? slackText(piece) : piece;
      continue;
    }
    switch (medium) {
      case 'email':
        out += emailText(piece.value);
        break;
      case 'slack':
        out += slackValue(piece.value);
        break;
      case 'slack-plain':
        out += slackPlain(piece.value);
        break;
      case 'chatbot':
        out += chatbotValue(piece.value);
        break;
      case 'chatbot-plain':
        out += chatbotPlain(piece.value);
        break;
    }
  }
  return out;
}

/** The sentence as unescaped text, for lengths and tests (never for output). */
export function rawText(rich: Rich): string {
  return rich.map((piece) => (typeof piece === 'string' ? piece : plain(piece.value))).join('');
}

/** Joins sentences with a separator (our text). */
export function joinRich(parts: readonly Rich[], separator: string): Rich {
  const out: Piece[] = [];
  parts.forEach((part, index) => {
    if (index > 0) out.push(separator);
    out.push(...part);
  });
  return out;
}

/** Values as a list: "a, b, c" (each a value). */
export function valueList(values: readonly string[], separator = ', '): Rich {
  return joinRich(
    values.map((value) => [v(value)]),
    separator,
  );
}
