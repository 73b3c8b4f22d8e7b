/**
 * The text of a file people give us (an export folder's JSON, a suppressions file, a template), whatever
 * wrote it: UTF-8 with or without a byte-order mark (Notepad, some editors), or UTF-16 with or without
 * one (what Windows PowerShell 5's `>` and `Out-File` write). JSON and YAML files begin with ASCII
 * (`{`, `[`, `-`, a key or `#`), so a zero byte in either of the first two bytes tells UTF-16 and its
 * byte order. UTF-32, which nothing in this business writes, is refused with a message that says to save
 * the file as UTF-8.
 */
import { InputError } from '../../domain/errors.js';

export function decodeText(bytes: Buffer, file: string): string {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (
    (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) ||
    (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)
  ) {
    throw new InputError(`${file} is UTF-32 text: save it as UTF-8`);
  }
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return bytes.toString('utf8', 3);
  if (b0 === 0xff && b1 === 0xfe) return utf16le(bytes.subarray(2), file);
  if (b0 === 0xfe && b1 === 0xff) return utf16be(bytes.subarray(2), file);
  if (bytes.length >= 2 && b0 !== 0 && b1 === 0) return utf16le(bytes, file);
  if (bytes.length >= 2 && b0 === 0 && b1 !== 0) return utf16be(bytes, file);
  return bytes.toString('utf8');
}

function utf16le(bytes: Buffer, file: string): string {
  if (bytes.length % 2 !== 0) {
    throw new InputError(`${file} looks like UTF-16 text but has an odd number of bytes: save it as UTF-8`);
  }
  return bytes.toString('utf16le');
}

function utf16be(bytes: Buffer, file: string): string {
  if (bytes.length % 2 !== 0) {
    throw new InputError(`${file} looks like UTF-16 text but has an odd number of bytes: save it as UTF-8`);
  }
  const swapped = Buffer.from(bytes);
  swapped.swap16();
  return swapped.toString('utf16le');
}
