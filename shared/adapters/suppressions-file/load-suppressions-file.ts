/**
 * Reads a suppressions file (`--suppressions FILE`). YAML and JSON are both accepted: JSON is valid YAML
 * 1.2, so one parser serves both. What an entry must contain is the domain's rule (`parseSuppressions`);
 * this adapter only turns the file into data and names the file in every error.
 */
import { readFile } from 'node:fs/promises';
import { parse, YAMLParseError } from 'yaml';
import { InputError } from '../../domain/errors.js';
import { parseSuppressions, type Suppression } from '../../domain/suppressions.js';
import { decodeText } from '../text-file/decode-text.js';

export async function loadSuppressionsFile(path: string): Promise<Suppression[]> {
  let text: string;
  try {
    text = decodeText(await readFile(path), path);
  } catch (error: unknown) {
    if (error instanceof InputError) throw error;
    const code =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
    throw new InputError(`suppressions file ${path} cannot be read (${code})`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: true });
  } catch (error: unknown) {
    const detail = error instanceof YAMLParseError || error instanceof Error ? error.message : String(error);
    throw new InputError(`suppressions file ${path} is neither valid YAML nor JSON: ${detail}`, {
      cause: error,
    });
  }
  // An empty file suppresses nothing; it is not an error.
  if (raw === null || raw === undefined) return [];
  return parseSuppressions(raw, path);
}
