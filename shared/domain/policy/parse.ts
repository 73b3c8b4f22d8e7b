/**
 * Reads a policy document in any of the forms AWS hands them out, and normalises it (see document.ts).
 * Never throws: an unreadable document is a value (`ok: false`) with a message saying what is wrong, so
 * that one bad policy marks one function incomplete instead of stopping the run.
 *
 * A document that is JSON with a statement IAM would reject (an `Effect` other than `Allow`/`Deny`, an
 * element of the wrong type) is still readable: the statement is kept under `rejected`, with what is
 * wrong, and the others are audited. IAM refuses such a policy when it is written, so in a real account
 * it can only come from an export edited by hand or from a template; rule `invalid-policy` reports it.
 */
import type {
  ConditionBlock,
  DocumentResult,
  PolicyDocument,
  PolicyStatement,
  Principal,
  RejectedStatement,
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
  if (Array.isArray(value) && isStringArray(value)) return value;
  throw new ShapeError(`${where}: ${field} must be a string or a list of strings, got ${describe(value)}`);
}

function isStringArray(values: readonly unknown[]): values is string[] {
  for (const value of values) if (typeof value !== 'string') return false;
  return true;
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

/** The elements of a statement in IAM's grammar (reference_policies_grammar.html). */
const STATEMENT_ELEMENTS: ReadonlySet<string> = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

function statement(raw: unknown, index: number): PolicyStatement {
  const where = `Statement[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ShapeError(`${where} must be an object, got ${describe(raw)}`);
  }
  const s = raw as Record<string, unknown>;
  // "The Effect value is case sensitive": anything but Allow/Deny is a statement IAM rejects.
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
    throw new ShapeError(`${where}: Effect must be "Allow" or "Deny", got ${describe(s.Effect)}`);
  }
  const sid = sidOf(s);
  const result: {
    -readonly [K in keyof PolicyStatement]: PolicyStatement[K];
  } = { id: sid ?? String(index), Effect: s.Effect };
  if (sid !== undefined) result.Sid = sid;
  // Most statements have no unknown element: no list is made for them.
  let unknown: string[] | undefined;
  for (const key of Object.keys(s)) {
    if (STATEMENT_ELEMENTS.has(key)) continue;
    unknown ??= [];
    unknown.push(key);
  }
  if (unknown !== undefined) result.unknownElements = unknown;
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

function sidOf(s: Record<string, unknown>): string | undefined {
  return typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : undefined;
}

function normalise(raw: unknown): PolicyDocument {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ShapeError(`a policy document must be a JSON object, got ${describe(raw)}`);
  }
  const doc = raw as Record<string, unknown>;
  const statements = doc.Statement;
  if (statements === undefined) throw new ShapeError('the document has no Statement');
  const list = Array.isArray(statements) ? statements : [statements];
  // A Version that is not a string keeps its JSON text: no valid Version equals it (invalid-policy says so).
  const version =
    doc.Version === undefined
      ? undefined
      : typeof doc.Version === 'string'
        ? doc.Version
        : JSON.stringify(doc.Version);
  const normalised: PolicyStatement[] = [];
  let rejected: RejectedStatement[] | undefined;
  for (let index = 0; index < list.length; index++) {
    const raw = list[index];
    try {
      normalised.push(statement(raw, index));
    } catch (error: unknown) {
      if (!(error instanceof ShapeError)) throw error;
      // One statement IAM would reject does not make the others unreadable: keep it, with the reason.
      const sid =
        typeof raw === 'object' && raw !== null && !Array.isArray(raw)
          ? sidOf(raw as Record<string, unknown>)
          : undefined;
      rejected ??= [];
      rejected.push({
        id: sid ?? String(index),
        index,
        ...(sid === undefined ? {} : { Sid: sid }),
        problem: error.message,
      });
    }
  }
  // Literals rather than spreads of conditional objects: this runs for every document of the account.
  if (rejected === undefined)
    return version === undefined ? { Statement: normalised } : { Version: version, Statement: normalised };
  return version === undefined
    ? { Statement: normalised, rejected }
    : { Version: version, Statement: normalised, rejected };
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
