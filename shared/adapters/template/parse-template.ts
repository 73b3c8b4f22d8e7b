/**
 * Reads a CloudFormation template (JSON or YAML, short-form intrinsics included) into plain values, and
 * remembers the line of every object and list so that findings can point at the file. The parsing is
 * the `yaml` package's (JSON is YAML too); CloudFormation's short forms (`!Ref`, `!GetAtt`, `!Sub`…) are
 * registered as its custom tags and become the long forms (`Ref`, `Fn::GetAtt`, `Fn::Sub`…) here.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
import {
  type CollectionTag,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type ScalarTag,
} from 'yaml';
import { InputError } from '../../domain/errors.js';

/** A value of a template: what JSON can hold. */
export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | readonly TemplateValue[]
  | { readonly [key: string]: TemplateValue };

export type TemplateObject = { readonly [key: string]: TemplateValue };

export interface ParsedTemplate {
  readonly file: string;
  readonly body: TemplateObject;
  /** The 1-based line where an object or list of `body` starts (for a mapping's value: its key's line). */
  lineOf(value: unknown): number | undefined;
  /** Gives an object made from the template (a resource SAM generates) the line it comes from. */
  markLine(value: object, line: number | undefined): void;
}

/** Short forms whose long form is `Fn::NAME`; `!Ref` and `!Condition` keep their own names. */
const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'ForEach',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Length',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
];

/** The long form of a short-form tag. */
function longForm(tag: string): string | undefined {
  const name = tag.slice(1);
  if (name === 'Ref' || name === 'Condition') return name;
  return FUNCTIONS.includes(name) ? `Fn::${name}` : undefined;
}

/**
 * The tags registered with the parser, for scalars, lists and maps alike. They leave the node as it is:
 * the conversion below reads its tag, so that the lines of what is inside stay known.
 */
const CUSTOM_TAGS: (ScalarTag | CollectionTag)[] = ['Ref', 'Condition', ...FUNCTIONS].flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => value },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => value as never },
  { tag: `!${name}`, collection: 'map' as const, resolve: (value: unknown) => value as never },
]) as (ScalarTag | CollectionTag)[];

const MAX_DEPTH = 200;
/** More values than the largest real templates hold (CloudFormation's limit is 1 MB of text). */
const MAX_NODES = 300_000;

/**
 * Parses template text. Throws `InputError` naming the file, the line and what is wrong for text that is
 * neither JSON nor YAML, a duplicate key, or a document that is not a mapping.
 */
export function parseTemplate(file: string, text: string): ParsedTemplate {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    customTags: CUSTOM_TAGS,
    lineCounter,
    uniqueKeys: true,
    merge: false,
    prettyErrors: false,
    strict: true,
  });
  const error = document.errors[0];
  if (error !== undefined) {
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new InputError(`${file}:${line}: not a valid JSON or YAML template: ${firstLine(error.message)}`);
  }
  const lines = new WeakMap<object, number>();
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

  // Aliases are expanded here, so their count is bounded here: a few aliases of aliases can otherwise
  // stand for billions of nodes (the "billion laughs").
  let budget = MAX_NODES;
  const convert = (node: unknown, depth: number, keyLine?: number): TemplateValue => {
    if (depth > MAX_DEPTH)
      throw new InputError(`${file}: the template nests deeper than ${MAX_DEPTH} levels`);
    if (--budget < 0) {
      throw new InputError(`${file}: the template expands to more than ${MAX_NODES} values (YAML aliases?)`);
    }
    if (isAlias(node)) return convert(node.resolve(document), depth + 1, keyLine);
    let value: TemplateValue;
    const tagged = node as Node | null;
    if (isScalar(node)) {
      const raw = node.value;
      value =
        typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' || raw === null
          ? raw
          : typeof raw === 'bigint'
            ? Number(raw)
            : String(raw);
    } else if (isSeq(node)) {
      const list = node.items.map((item) => convert(item, depth + 1));
      lines.set(list, keyLine ?? lineAt(node.range?.[0]) ?? 0);
      value = list;
    } else if (isMap(node)) {
      const object: Record<string, TemplateValue> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const pairLine = lineAt((pair.key as Node | null)?.range?.[0]);
        object[key] = convert(pair.value, depth + 1, pairLine);
      }
      lines.set(object, keyLine ?? lineAt(node.range?.[0]) ?? 0);
      value = object;
    } else if (node === null || node === undefined) {
      value = null;
    } else {
      throw new InputError(`${file}: unexpected YAML node`);
    }
    const tag = tagged?.tag;
    if (tag === undefined || !tag.startsWith('!')) return value;
    const name = longForm(tag);
    if (name === undefined) {
      const where = lineAt(tagged?.range?.[0]);
      throw new InputError(
        `${file}:${where ?? '?'}: unknown tag ${tag}: not one of CloudFormation's intrinsic functions`,
      );
    }
    let argument = value;
    if (name === 'Fn::GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      argument = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
    }
    const wrapped = { [name]: argument };
    lines.set(wrapped, keyLine ?? lineAt(tagged?.range?.[0]) ?? 0);
    return wrapped;
  };

  const body = convert(document.contents, 0);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError(`${file}: a template must be a mapping (with Resources), got ${describe(body)}`);
  }
  return {
    file,
    body: body as TemplateObject,
    lineOf: (value) => (typeof value === 'object' && value !== null ? lines.get(value) : undefined),
    markLine: (value, line) => {
      if (line !== undefined && !lines.has(value)) lines.set(value, line);
    },
  };
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return end < 0 ? message : message.slice(0, end);
}

function describe(value: TemplateValue): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

/** Narrowing helpers shared by the template code. */
export function isObject(value: unknown): value is TemplateObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
