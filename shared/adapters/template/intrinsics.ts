/**
 * CloudFormation's intrinsic functions, evaluated the way a deployment would with what is known before
 * one: parameters (given or defaulted), pseudo parameters, conditions, mappings, and the names and ARNs
 * of the template's own resources. What only a deployment knows (an import, a parameter without a value,
 * an attribute CloudFormation generates) becomes an `Unresolved` value that says why; a malformed
 * intrinsic does too. Nothing here throws on template content.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
import { isObject, type TemplateObject, type TemplateValue } from './parse-template.js';

/** A value that cannot be known before deployment, or a malformed intrinsic; `reason` is for a person. */
export class Unresolved {
  constructor(readonly reason: string) {}
}

/** `Ref: AWS::NoValue`: the property is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export type Resolved =
  | string
  | number
  | boolean
  | null
  | Unresolved
  | typeof NO_VALUE
  | readonly Resolved[]
  | { readonly [key: string]: Resolved };

export interface ResourceNaming {
  /** What `Ref` returns for the resource, or `undefined` when the template has no such resource. */
  ref(logicalId: string): Resolved | undefined;
  /** What `Fn::GetAtt` returns, or `undefined` when the template has no such resource. */
  getAtt(logicalId: string, attribute: string): Resolved | undefined;
}

export interface IntrinsicContext {
  /** Parameters and pseudo parameters, resolved. */
  readonly parameters: ReadonlyMap<string, Resolved>;
  readonly mappings: TemplateObject;
  readonly conditions: TemplateObject;
  readonly resources: ResourceNaming;
}

const MAX_DEPTH = 100;

function describe(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}

export function isUnresolved(value: unknown): value is Unresolved {
  return value instanceof Unresolved;
}

/** The first `Unresolved` anywhere inside a value, or `undefined`. */
export function firstUnresolved(value: Resolved): Unresolved | undefined {
  if (value instanceof Unresolved) return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstUnresolved(item);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value as Record<string, Resolved>)) {
      const found = firstUnresolved(item);
      if (found) return found;
    }
  }
  return undefined;
}

/** Evaluates intrinsics with one context; conditions are evaluated once each. */
export class IntrinsicResolver {
  private readonly conditionValues = new Map<string, boolean | Unresolved>();
  private readonly evaluating = new Set<string>();

  constructor(private readonly context: IntrinsicContext) {}

  /** The value of a named condition. */
  condition(name: string): boolean | Unresolved {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    if (this.evaluating.has(name)) return new Unresolved(`the condition ${name} refers to itself`);
    const definition = Object.hasOwn(this.context.conditions, name)
      ? this.context.conditions[name]
      : undefined;
    if (definition === undefined) return new Unresolved(`the condition ${name} is not defined in Conditions`);
    this.evaluating.add(name);
    const value = this.resolve(definition);
    this.evaluating.delete(name);
    const result =
      typeof value === 'boolean'
        ? value
        : value instanceof Unresolved
          ? new Unresolved(`the condition ${name} cannot be decided: ${value.reason}`)
          : new Unresolved(`the condition ${name} is not a boolean: ${describe(value)}`);
    this.conditionValues.set(name, result);
    return result;
  }

  /** Resolves every intrinsic in a value. `AWS::NoValue` removes list items and object keys. */
  resolve(value: TemplateValue | undefined, depth = 0): Resolved {
    if (value === undefined) return NO_VALUE;
    // Values already resolved (SAM's output, a branch chosen earlier) may be resolved again.
    if ((value as unknown) instanceof Unresolved || (value as unknown) === NO_VALUE)
      return value as unknown as Resolved;
    if (depth > MAX_DEPTH) return new Unresolved('intrinsic functions nest too deep');
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      const list: Resolved[] = [];
      for (const item of value as readonly TemplateValue[]) {
        const resolved = this.resolve(item, depth + 1);
        if (resolved !== NO_VALUE) list.push(resolved);
      }
      return list;
    }
    const object = value as TemplateObject;
    const keys = Object.keys(object);
    const key = keys[0];
    if (
      keys.length === 1 &&
      key !== undefined &&
      (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition')
    ) {
      return this.intrinsic(key, object[key] as TemplateValue, depth + 1);
    }
    const result: Record<string, Resolved> = {};
    for (const name of keys) {
      const resolved = this.resolve(object[name], depth + 1);
      if (resolved !== NO_VALUE) result[name] = resolved;
    }
    return result;
  }

  /** Resolves a value that must be a string (an ARN, a name): anything else is `Unresolved`. */
  resolveString(value: TemplateValue | undefined): string | Unresolved | undefined {
    const resolved = this.resolve(value);
    if (resolved === NO_VALUE || resolved === null) return undefined;
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    if (resolved instanceof Unresolved) return resolved;
    return new Unresolved(`expected a string, got ${describe(resolved)}`);
  }

  private ref(name: TemplateValue, depth: number): Resolved {
    const target = typeof name === 'string' ? name : this.resolve(name, depth);
    if (typeof target !== 'string') return new Unresolved(`malformed Ref: ${describe(name)}`);
    if (target === 'AWS::NoValue') return NO_VALUE;
    const parameter = this.context.parameters.get(target);
    if (parameter !== undefined) return parameter;
    const resource = this.context.resources.ref(target);
    if (resource !== undefined) return resource;
    if (target.startsWith('AWS::'))
      return new Unresolved(`the pseudo parameter ${target} is not known before deployment`);
    return new Unresolved(`Ref ${target}: no parameter or resource of that name in the template`);
  }

  private getAtt(argument: TemplateValue, depth: number): Resolved {
    // The long form also takes "Resource.Attribute" as one string (what `!GetAtt A.B` stands for).
    const dot = typeof argument === 'string' ? argument.indexOf('.') : -1;
    const parts =
      typeof argument === 'string' && dot > 0
        ? [argument.slice(0, dot), argument.slice(dot + 1)]
        : this.resolve(argument, depth);
    if (
      !Array.isArray(parts) ||
      parts.length !== 2 ||
      typeof parts[0] !== 'string' ||
      typeof parts[1] !== 'string'
    ) {
      return new Unresolved(
        `malformed Fn::GetAtt: expected [resource, attribute], got ${describe(argument)}`,
      );
    }
    const [logicalId, attribute] = parts as [string, string];
    const value = this.context.resources.getAtt(logicalId, attribute);
    if (value !== undefined) return value;
    return new Unresolved(`Fn::GetAtt ${logicalId}.${attribute}: no resource ${logicalId} in the template`);
  }

  private sub(argument: TemplateValue, depth: number): Resolved {
    let text: TemplateValue;
    let variables: TemplateObject = {};
    if (typeof argument === 'string') text = argument;
    else if (
      Array.isArray(argument) &&
      argument.length === 2 &&
      typeof argument[0] === 'string' &&
      isObject(argument[1])
    ) {
      text = argument[0];
      variables = argument[1];
    } else
      return new Unresolved(
        `malformed Fn::Sub: expected a string or [string, {variables}], got ${describe(argument)}`,
      );
    const source = text as string;
    let out = '';
    let at = 0;
    while (at < source.length) {
      const open = source.indexOf('${', at);
      if (open < 0) {
        out += source.slice(at);
        break;
      }
      out += source.slice(at, open);
      const close = source.indexOf('}', open + 2);
      if (close < 0) return new Unresolved(`malformed Fn::Sub: "\${" without "}" in ${describe(source)}`);
      const name = source.slice(open + 2, close);
      at = close + 1;
      if (name.startsWith('!')) {
        out += `\${${name.slice(1)}}`;
        continue;
      }
      let value: Resolved;
      if (Object.hasOwn(variables, name)) value = this.resolve(variables[name], depth + 1);
      else if (name.includes('.') && !this.context.parameters.has(name)) {
        const dot = name.indexOf('.');
        value = this.getAtt([name.slice(0, dot), name.slice(dot + 1)], depth + 1);
      } else value = this.ref(name, depth + 1);
      if (value instanceof Unresolved) return value;
      if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
      if (typeof value !== 'string') return new Unresolved(`Fn::Sub: \${${name}} is not a string`);
      out += value;
    }
    return out;
  }

  private intrinsic(name: string, argument: TemplateValue, depth: number): Resolved {
    switch (name) {
      case 'Ref':
        return this.ref(argument, depth);
      case 'Condition': {
        if (typeof argument !== 'string') return new Unresolved(`malformed Condition: ${describe(argument)}`);
        return this.condition(argument);
      }
      case 'Fn::GetAtt':
        return this.getAtt(argument, depth);
      case 'Fn::Sub':
        return this.sub(argument, depth);
      case 'Fn::Join': {
        const parts = this.resolve(argument, depth);
        if (
          !Array.isArray(parts) ||
          parts.length !== 2 ||
          typeof parts[0] !== 'string' ||
          !Array.isArray(parts[1])
        ) {
          return (
            firstUnresolved(parts) ??
            new Unresolved(`malformed Fn::Join: expected [delimiter, [values]], got ${describe(argument)}`)
          );
        }
        const values: string[] = [];
        for (const item of parts[1] as Resolved[]) {
          if (item instanceof Unresolved) return item;
          if (typeof item === 'number' || typeof item === 'boolean') values.push(String(item));
          else if (typeof item === 'string') values.push(item);
          else return new Unresolved(`Fn::Join: ${describe(item)} is not a string`);
        }
        return values.join(parts[0] as string);
      }
      case 'Fn::Select': {
        const parts = this.resolve(argument, depth);
        if (!Array.isArray(parts) || parts.length !== 2) {
          return new Unresolved(
            `malformed Fn::Select: expected [index, [values]], got ${describe(argument)}`,
          );
        }
        const [index, list] = parts as [Resolved, Resolved];
        if (index instanceof Unresolved) return index;
        if (list instanceof Unresolved) return list;
        const at = typeof index === 'number' ? index : typeof index === 'string' ? Number(index) : Number.NaN;
        if (!Array.isArray(list) || !Number.isInteger(at) || at < 0 || at >= list.length) {
          return new Unresolved(`Fn::Select: index ${describe(index)} is not within ${describe(list)}`);
        }
        return (list as Resolved[])[at] as Resolved;
      }
      case 'Fn::Split': {
        const parts = this.resolve(argument, depth);
        if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string') {
          return (
            firstUnresolved(parts) ??
            new Unresolved(`malformed Fn::Split: expected [delimiter, string], got ${describe(argument)}`)
          );
        }
        const [delimiter, text] = parts as [string, Resolved];
        if (text instanceof Unresolved) return text;
        if (typeof text !== 'string' || delimiter === '')
          return new Unresolved(`Fn::Split: ${describe(text)} is not a string`);
        return text.split(delimiter);
      }
      case 'Fn::If': {
        if (!Array.isArray(argument) || argument.length !== 3 || typeof argument[0] !== 'string') {
          return new Unresolved(
            `malformed Fn::If: expected [condition, then, else], got ${describe(argument)}`,
          );
        }
        const decided = this.condition(argument[0] as string);
        if (decided instanceof Unresolved) return decided;
        return this.resolve(argument[decided ? 1 : 2] as TemplateValue, depth);
      }
      case 'Fn::Equals': {
        const parts = this.resolve(argument, depth);
        if (!Array.isArray(parts) || parts.length !== 2)
          return new Unresolved(`malformed Fn::Equals: ${describe(argument)}`);
        const found = firstUnresolved(parts);
        if (found) return found;
        return JSON.stringify(scalarText(parts[0])) === JSON.stringify(scalarText(parts[1]));
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const parts = this.resolve(argument, depth);
        if (!Array.isArray(parts) || parts.length === 0)
          return new Unresolved(`malformed ${name}: ${describe(argument)}`);
        const values = parts as Resolved[];
        const and = name === 'Fn::And';
        // A known false (And) or true (Or) decides even when another operand is unknown.
        if (values.some((v) => v === !and)) return !and;
        const found = firstUnresolved(values);
        if (found) return found;
        if (!values.every((v) => typeof v === 'boolean'))
          return new Unresolved(`${name}: operands must be conditions`);
        return and;
      }
      case 'Fn::Not': {
        const parts = this.resolve(argument, depth);
        const operand = Array.isArray(parts) && parts.length === 1 ? parts[0] : undefined;
        if (operand instanceof Unresolved) return operand;
        if (typeof operand !== 'boolean') return new Unresolved(`malformed Fn::Not: ${describe(argument)}`);
        return !operand;
      }
      case 'Fn::FindInMap': {
        const parts = this.resolve(argument, depth);
        if (!Array.isArray(parts) || parts.length < 3)
          return new Unresolved(`malformed Fn::FindInMap: ${describe(argument)}`);
        const found = firstUnresolved(parts.slice(0, 3) as Resolved[]);
        if (found) return found;
        const [map, top, second] = parts as string[];
        const level1 = isObject(this.context.mappings[String(map)])
          ? (this.context.mappings[String(map)] as TemplateObject)
          : undefined;
        const level2 =
          level1 && isObject(level1[String(top)]) ? (level1[String(top)] as TemplateObject) : undefined;
        const value = level2?.[String(second)];
        if (value !== undefined) return this.resolve(value, depth);
        const fallback = parts[3];
        if (isObject(fallback) && 'DefaultValue' in fallback)
          return (fallback as Record<string, Resolved>).DefaultValue ?? null;
        return new Unresolved(`Fn::FindInMap: no ${map}.${top}.${second} in Mappings`);
      }
      case 'Fn::Base64': {
        const text = this.resolve(argument, depth);
        return typeof text === 'string'
          ? Buffer.from(text, 'utf8').toString('base64')
          : (firstUnresolved(text) ?? new Unresolved('malformed Fn::Base64'));
      }
      case 'Fn::GetAZs': {
        const region = this.context.parameters.get('AWS::Region');
        return typeof region === 'string'
          ? ['a', 'b', 'c'].map((zone) => `${region}${zone}`)
          : new Unresolved('Fn::GetAZs: unknown region');
      }
      case 'Fn::Length': {
        const list = this.resolve(argument, depth);
        return Array.isArray(list)
          ? list.length
          : (firstUnresolved(list) ?? new Unresolved('malformed Fn::Length'));
      }
      case 'Fn::ToJsonString': {
        const value = this.resolve(argument, depth);
        const found = firstUnresolved(value);
        return found ?? JSON.stringify(value);
      }
      case 'Fn::ImportValue': {
        const exportName = this.resolve(argument, depth);
        return new Unresolved(
          `Fn::ImportValue ${typeof exportName === 'string' ? exportName : describe(argument)}: an export of another stack is known only in the account it is deployed to`,
        );
      }
      case 'Fn::Cidr':
        return new Unresolved('Fn::Cidr is not evaluated before deployment');
      case 'Fn::Transform':
        return new Unresolved('Fn::Transform (a macro) runs only in CloudFormation');
      default:
        return new Unresolved(`unknown intrinsic function ${name}`);
    }
  }
}

/** Fn::Equals compares values as CloudFormation does: numbers and their text are equal. */
function scalarText(value: Resolved | undefined): unknown {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}
