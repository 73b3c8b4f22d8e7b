/**
 * The command line's argument parser: the option tables of run-cli.ts (in `node:util` parseArgs' shape:
 * `{ type, multiple?, short? }`) read into values and tokens, with every mistake told in our words and
 * with the closest option suggested. Node's parser is not used: its messages ("To specify a positional
 * argument starting with a '-', place it at the end of the command after '--'") speak of its own
 * mechanics, not of this tool, and its errors do not name the option a typo was meant to be.
 *
 * Grammar: `--name VALUE`, `--name=VALUE`, `--flag`, `-h`; `--` ends the options (what follows is
 * positional). A value may start with `-` only in the `--name=VALUE` form, so that a forgotten value is
 * caught instead of eating the next option.
 */
import { UsageError } from '../domain/errors.js';
import { didYouMean } from './suggest.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['multiple'] extends true
    ? string[]
    : string;

export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]?: ValueOf<T[K]> };

export type ArgumentToken =
  | { kind: 'option'; name: string; value?: string | undefined; inlineValue?: boolean | undefined }
  | { kind: 'positional'; value: string }
  | { kind: 'option-terminator' };

export interface ParsedArguments<T extends OptionTable> {
  readonly values: OptionValues<T>;
  readonly tokens: readonly ArgumentToken[];
}

/** How each option's value is named in messages and help (`--from DIR`); absent → `VALUE`. */
export type ValueNames = Readonly<Record<string, string>>;

/**
 * Reads `args` against `options`. `command` names the subcommand in messages (and in the `--help` the
 * error points to). Throws `UsageError` for an unknown option, a missing or unexpected value, or a
 * single-valued option given twice.
 */
export function parseArguments<T extends OptionTable>(
  command: string,
  args: readonly string[],
  options: T,
  valueNames: ValueNames = {},
): ParsedArguments<T> {
  const values: Record<string, string | string[] | boolean> = {};
  const tokens: ArgumentToken[] = [];
  const longNames = Object.keys(options);
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(options)) if (spec.short) byShort.set(spec.short, name);

  const usage = (name: string): string => {
    const spec = options[name];
    return spec?.type === 'string' ? `--${name} ${valueNames[name] ?? 'VALUE'}` : `--${name}`;
  };
  const fail = (message: string): never => {
    throw new UsageError(message, command);
  };

  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg === '--') {
      tokens.push({ kind: 'option-terminator' });
      for (const rest of args.slice(index + 1)) tokens.push({ kind: 'positional', value: rest });
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      tokens.push({ kind: 'positional', value: arg });
      continue;
    }

    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
      inline = equals === -1 ? undefined : arg.slice(equals + 1);
    } else {
      const short = byShort.get(arg.slice(1));
      if (short === undefined) {
        // `-from` is `--from` with one dash too few; `-x` is an option we do not have.
        const typed = arg.slice(1).split('=')[0] ?? '';
        const exact = longNames.find((candidate) => candidate === typed.toLowerCase());
        fail(
          `unknown option ${arg.split('=')[0]} for ${command}${exact ? `; did you mean --${exact}?` : didYouMean(typed, longNames, '--')}`,
        );
      }
      name = short as string;
    }

    const spec = options[name];
    if (spec === undefined) {
      fail(`unknown option --${name} for ${command}${didYouMean(name, longNames, '--')}`);
    }
    const option = spec as OptionSpec;
    if (option.type === 'boolean') {
      if (inline !== undefined) fail(`--${name} takes no value (got "${inline}")`);
      values[name] = true;
      tokens.push({ kind: 'option', name, value: undefined, inlineValue: undefined });
      continue;
    }

    let value = inline;
    if (value === undefined) {
      const next = args[index + 1];
      if (next === undefined) fail(`${usage(name)}: the value is missing`);
      else if (next.startsWith('-') && next !== '-') {
        fail(
          `${usage(name)}: the value is missing (the next argument, ${next}, is an option; to pass a value that starts with "-", write --${name}=${next})`,
        );
      }
      value = next as string;
      index += 1;
    }
    if (value === '') fail(`${usage(name)}: the value is empty`);
    const text = value as string;
    if (option.multiple) {
      const list = (values[name] as string[] | undefined) ?? [];
      list.push(text);
      values[name] = list;
    } else {
      const before = values[name];
      if (typeof before === 'string' && before !== text) {
        fail(`--${name} is given twice ("${before}", then "${text}"): give it once`);
      }
      values[name] = text;
    }
    tokens.push({ kind: 'option', name, value: text, inlineValue: inline !== undefined });
  }
  return { values: values as OptionValues<T>, tokens };
}
