/**
 * A yes/no check compiled from a zod schema, for the export folder's large arrays. zod stays the
 * definition (types, error messages); this only answers "does the value fit?" an order of magnitude faster
 * on cold code, because it neither collects issues nor copies objects. A 5,000-function export is checked
 * in a few milliseconds instead of about 130.
 *
 * It supports the schema types the export folder uses, with the same acceptance as zod, and refuses to
 * compile anything else (defaults, transforms, …): a value it accepts must be exactly what zod would
 * return for it, give or take keys the schema does not declare. A property test holds it equal to zod.
 */
import type * as z from 'zod';

type Predicate = (value: unknown) => boolean;

/** The parts of zod's public schema definition (`schema._zod.def`) that the check reads. */
interface SchemaDefinition {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
}

function definitionOf(schema: z.ZodType): SchemaDefinition {
  return (schema as unknown as { _zod: { def: SchemaDefinition } })._zod.def;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function compileFastCheck(schema: z.ZodType): Predicate {
  const definition = definitionOf(schema);
  switch (definition.type) {
    case 'string':
      return (value) => typeof value === 'string';
    case 'boolean':
      return (value) => typeof value === 'boolean';
    // zod's z.number() refuses NaN and the infinities; JSON holds neither, but a value built in code may.
    case 'number':
      return (value) => typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return (value) => value === null;
    case 'unknown':
      return () => true;
    case 'optional': {
      const inner = compileFastCheck(required(definition.innerType, definition.type));
      return (value) => value === undefined || inner(value);
    }
    case 'array': {
      const element = compileFastCheck(required(definition.element, definition.type));
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (const item of value) if (!element(item)) return false;
        return true;
      };
    }
    case 'object': {
      // zod wants every key that is not `.optional()` present, even when its schema accepts undefined
      // (`z.unknown()`): `{}` does not fit `{ Document: z.unknown() }`.
      const entries = Object.entries(required(definition.shape, definition.type));
      // Parallel lists rather than tuples destructured per key: this runs for every item of the large files.
      const keys = entries.map(([key]) => key);
      const checks = entries.map(([, field]) => compileFastCheck(field));
      const optional = entries.map(([, field]) => definitionOf(field).type === 'optional');
      return (value) => {
        if (!isPlainObject(value)) return false;
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i] as string;
          const member = value[key];
          if (!(checks[i] as Predicate)(member)) return false;
          // Only an undefined member can be an absent key.
          if (member === undefined && optional[i] !== true && !(key in value)) return false;
        }
        return true;
      };
    }
    case 'record': {
      if (definitionOf(required(definition.keyType, definition.type)).type !== 'string') {
        throw new Error('fast check: only records with string keys are supported');
      }
      const entry = compileFastCheck(required(definition.valueType, definition.type));
      return (value) => {
        if (!isPlainObject(value)) return false;
        for (const key in value) if (!entry(value[key])) return false;
        return true;
      };
    }
    case 'union': {
      const options = required(definition.options, definition.type).map(compileFastCheck);
      return (value) => options.some((option) => option(value));
    }
    default:
      throw new Error(
        `fast check: zod type "${definition.type}" is not supported (it could change the value)`,
      );
  }
}

function required<T>(part: T | undefined, type: string): T {
  if (part === undefined) throw new Error(`fast check: zod ${type} schema without its definition`);
  return part;
}
