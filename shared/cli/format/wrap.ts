/**
 * Word wrapping for the terminal table: lines of at most `width` columns. Text breaks at spaces; a word
 * wider than a line (an ARN) breaks after its last `:` or `/` that fits, or where the line ends, so that
 * nothing runs past the terminal's edge. Linear in the text's length.
 */
import { codePointWidth, displayWidth } from './terminal-text.js';

const BREAK_AFTER = new Set([':', '/', ',']);

/** `word` cut into pieces of at most `width` columns, each ending after a break character where one fits. */
function breakWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let pieceWidth = 0;
  // Where the last break character of `piece` ends, and the width up to there.
  let breakAt = -1;
  let breakWidth = 0;
  for (const ch of word) {
    const w = codePointWidth(ch.codePointAt(0) ?? 0);
    if (pieceWidth + w > width && piece !== '') {
      if (breakAt > 0 && breakAt < piece.length) {
        pieces.push(piece.slice(0, breakAt));
        piece = piece.slice(breakAt);
        pieceWidth -= breakWidth;
      } else {
        pieces.push(piece);
        piece = '';
        pieceWidth = 0;
      }
      breakAt = -1;
      breakWidth = 0;
    }
    piece += ch;
    pieceWidth += w;
    if (BREAK_AFTER.has(ch)) {
      breakAt = piece.length;
      breakWidth = pieceWidth;
    }
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}

/** `text` as lines of at most `width` columns (at least 1 column). */
export function wrap(text: string, width: number): string[] {
  const limit = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.split(' ')) {
    if (word === '') continue;
    const wordWidth = displayWidth(word);
    if (line !== '' && lineWidth + 1 + wordWidth <= limit) {
      line += ` ${word}`;
      lineWidth += 1 + wordWidth;
      continue;
    }
    if (line !== '') lines.push(line);
    if (wordWidth <= limit) {
      line = word;
      lineWidth = wordWidth;
      continue;
    }
    const pieces = breakWord(word, limit);
    const last = pieces.pop() ?? '';
    lines.push(...pieces);
    line = last;
    lineWidth = displayWidth(last);
  }
  if (line !== '') lines.push(line);
  return lines.length > 0 ? lines : [''];
}
