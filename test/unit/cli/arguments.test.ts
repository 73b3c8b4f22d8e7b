/**
 * The argument parser and the help: every argument mistake told in our words with the option it was
 * probably meant to be, and every help page readable in an 80-column terminal, with examples, listing
 * every option its command accepts.
 */
import { parseArguments } from '../../../shared/cli/arguments.js';
import { COMMAND_HELP, HELP_WIDTH, renderHelp, TOOL_HELP, valueNamesOf } from '../../../shared/cli/help.js';
import { AUDIT_OPTIONS, EXPORT_OPTIONS } from '../../../shared/cli/run-cli.js';
import { closestWords, editDistance } from '../../../shared/cli/suggest.js';
import { UsageError } from '../../../shared/domain/errors.js';

const names = valueNamesOf(COMMAND_HELP.audit ?? TOOL_HELP);

function problem(args: readonly string[]): string {
  try {
    parseArguments('audit', args, AUDIT_OPTIONS, names);
  } catch (error: unknown) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no error for ${args.join(' ')}`);
}

describe('argument parser', () => {
  it('reads values, repeated values, flags and the --name=value form', () => {
    const { values, tokens } = parseArguments(
      'audit',
      ['--from', 'dir', '--function=a', '--function', 'b', 'c', '-h', '--format=json'],
      AUDIT_OPTIONS,
    );
    expect(values).toEqual({ from: 'dir', function: ['a', 'b'], help: true, format: 'json' });
    expect(tokens.filter((token) => token.kind === 'positional')).toEqual([
      { kind: 'positional', value: 'c' },
    ]);
  });

  it('takes what follows -- as positional, and a value that starts with "-" in the = form', () => {
    const { values, tokens } = parseArguments('audit', ['--from=-dir', '--', '--format'], AUDIT_OPTIONS);
    expect(values.from).toBe('-dir');
    expect(tokens.at(-1)).toEqual({ kind: 'positional', value: '--format' });
  });

  it.each([
    [['--fromat', 'json'], 'unknown option --fromat for audit; did you mean --format?'],
    [['--Format', 'json'], 'unknown option --Format for audit; did you mean --format?'],
    [['--func', 'a'], 'unknown option --func for audit; did you mean --function?'],
    [['--suppression', 'f'], 'unknown option --suppression for audit; did you mean --suppressions?'],
    [['-from', 'x'], 'unknown option -from for audit; did you mean --from?'],
    [['--bogus'], 'unknown option --bogus for audit'],
    [['--from'], '--from DIR: the value is missing'],
    [
      ['--from', '--format', 'json'],
      '--from DIR: the value is missing (the next argument, --format, is an option; to pass a value that starts with "-", write --from=--format)',
    ],
    [['--format='], '--format FORMAT: the value is empty'],
    [['--help=yes'], '--help takes no value (got "yes")'],
    [['--from', 'a', '--from', 'b'], '--from is given twice ("a", then "b"): give it once'],
  ])('rejects %j: %s', (args, message) => {
    expect(problem(args)).toBe(message);
  });

  it('never speaks of Node.js parseArgs mechanics', () => {
    for (const args of [['--bogus'], ['--from'], ['-x'], ['--help=1'], ['--from', '--to']]) {
      expect(problem(args)).not.toMatch(/positional|ERR_PARSE_ARGS|place it at the end/i);
    }
  });
});

describe('did you mean', () => {
  it('counts a swapped pair of letters as one edit', () => {
    expect(editDistance('fromat', 'format')).toBe(1);
    expect(editDistance('audit', 'audit')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests nothing for a word that is close to nothing, and at most two ties', () => {
    expect(closestWords('zebra', ['audit', 'export'])).toEqual([]);
    expect(closestWords('tag-suppress', Object.keys(AUDIT_OPTIONS))).toEqual([
      'tag-suppress-max-severity',
      'tag-suppress-rules',
    ]);
    expect(closestWords('x'.repeat(1000), ['audit'])).toEqual([]);
  });
});

describe('help', () => {
  const pages: [string, string][] = [
    ['lambda-role-audit --help', renderHelp(TOOL_HELP)],
    ...Object.entries(COMMAND_HELP).map(([command, help]): [string, string] => [
      `lambda-role-audit ${command} --help`,
      renderHelp(help),
    ]),
  ];

  it.each(pages)('%s fits in 80 columns and shows examples', (_, text) => {
    const long = text.split('\n').filter((line) => [...line].length > HELP_WIDTH);
    expect(long).toEqual([]);
    expect(text).toContain('\nExamples:\n  lambda-role-audit ');
  });

  it.each([
    ['audit', AUDIT_OPTIONS],
    ['export', EXPORT_OPTIONS],
  ] as const)('%s --help lists every option the command accepts', (command, options) => {
    const text = renderHelp(COMMAND_HELP[command] ?? TOOL_HELP);
    for (const name of Object.keys(options)) expect(text).toContain(`--${name}`);
  });
});
