/**
 * Reads a policy document in any of the forms AWS hands them out, and normalises it (see document.ts).
 * Never throws: an unreadable document is a value (`ok: false`) with a message saying what is wrong, so
 * that one bad policy marks one function incomplete instead of stopping the run.
 */
import type {
  ConditionBlock,
  DocumentResult,
  PolicyDocument,
  PolicyStatement,
  Principal,
} from './document.js';

class ShapeError extends Error {}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value.slice(0, 40))}` : `a ${typeof value}`;
}

function stringList(value: unknown, field: string, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new ShapeError(`${where}: ${field} must be a string or a list of strings, got ${describe(value)}`);
}

function principal(value: unknown, field: string, where: string): Principal | undefined {
  if (value === undefined) return undefined;
  if (value === '*') return '*';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShapeError(`${where}: ${field} must be "*" or an object, got ${describe(value)}`);
  }
  const result: { AWS?: string[]; Service?: string[]; Federated?: string[]; CanonicalUser?: string[] } = {};
  for (const [key, entry] of Object.entries(value)) {
    const list = stringList(entry, `${field}.${key}`, where);
    if (list === undefined) continue;
    if (key === 'AWS' || key === 'Service' || key === 'Federated' || key === 'CanonicalUser')
      result[key] = list;
    else throw new ShapeError(`${where}: ${field} has an unknown principal type ${JSON.stringify(key)}`);
  }
  return result;
}

function conditionBlock(value: unknown, where: string): ConditionBlock | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShapeError(`${where}: Condition must be an object, got ${describe(value)}`);
  }
  const block: Record<string, Record<string, string[]>> = {};
  for (const [operator, keys] of Object.entries(value)) {
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
      throw new ShapeError(
        `${where}: Condition.${operator} must be an object of keys, got ${describe(keys)}`,
      );
    }
    const entries: Record<string, string[]> = {};
    for (const [key, raw] of Object.entries(keys)) {
      const values = Array.isArray(raw) ? raw : [raw];
      entries[key] = values.map((v) => {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
        throw new ShapeError(
          `${where}: Condition.${operator}.${key} has a value that is not a string, number or boolean`,
        );
      });
    }
    block[operator] = entries;
  }
  return block;
}

function statement(raw: unknown, index: number): PolicyStatement {
  const where = `Statement[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ShapeError(`${where} must be an object, got ${describe(raw)}`);
  }
  const s = raw as Record<string, unknown>;
  // "The Effect value is case sensitive": anything but Allow/Deny is an invalid document.
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
    throw new ShapeError(`${where}: Effect must be "Allow" or "Deny", got ${describe(s.Effect)}`);
  }
  const sid = typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : undefined;
  const result: {
    -readonly [K in keyof PolicyStatement]: PolicyStatement[K];
  } = { id: sid ?? String(index), Effect: s.Effect };
  if (sid !== undefined) result.Sid = sid;
  const action = stringList(s.Action, 'Action', where);
  const notAction = stringList(s.NotAction, 'NotAction', where);
  const resource = stringList(s.Resource, 'Resource', where);
  const notResource = stringList(s.NotResource, 'NotResource', where);
  const p = principal(s.Principal, 'Principal', where);
  const np = principal(s.NotPrincipal, 'NotPrincipal', where);
  const condition = conditionBlock(s.Condition, where);
  if (action !== undefined) result.Action = action;
  if (notAction !== undefined) result.NotAction = notAction;
  if (resource !== undefined) result.Resource = resource;
  if (notResource !== undefined) result.NotResource = notResource;
  if (p !== undefined) result.Principal = p;
  if (np !== undefined) result.NotPrincipal = np;
  if (condition !== undefined) result.Condition = condition;
  return result;
}

function normalise(raw: unknown): PolicyDocument {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ShapeError(`a policy document must be a JSON object, got ${describe(raw)}`);
  }
  const doc = raw as Record<string, unknown>;
  const statements = doc.Statement;
  if (statements === undefined) throw new ShapeError('the document has no Statement');
  const list = Array.isArray(statements) ? statements : [statements];
  const version = typeof doc.Version === 'string' ? doc.Version : undefined;
  return { ...(version !== undefined ? { Version: version } : {}), Statement: list.map(statement) };
}

/** Decodes text that is either JSON or RFC 3986 URL-encoded JSON (what IAM returns to the JS SDK). */
function decodeText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return JSON.parse(trimmed);
  if (trimmed.startsWith('%7B') || trimmed.startsWith('%7b')) return JSON.parse(decodeURIComponent(trimmed));
  throw new ShapeError(
    `the document is neither JSON nor URL-encoded JSON (it starts with ${JSON.stringify(trimmed.slice(0, 20))})`,
  );
}

/**
 * Parses a policy document given as an object (AWS CLI output), a JSON string, or a URL-encoded JSON
 * string (IAM API responses as seen through the JavaScript SDK v3).
 */
export function parsePolicyDocument(raw: unknown): DocumentResult {
  try {
    const value = typeof raw === 'string' ? decodeText(raw) : raw;
    return { ok: true, document: normalise(value) };
  } catch (error: unknown) {
    if (error instanceof ShapeError) return { ok: false, error: error.message };
    if (error instanceof SyntaxError)
      return { ok: false, error: `the document is not valid JSON: ${error.message}` };
    if (error instanceof URIError)
      return { ok: false, error: `the document is not valid URL-encoding: ${error.message}` };
    throw error;
  }
}
