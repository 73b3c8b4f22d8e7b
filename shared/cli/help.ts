/**
 * The text of `--help`, for the tool and for each subcommand, as data: each option with its value name and
 * what it does, then examples. Rendered at 80 columns (the width of the terminals people read help in),
 * descriptions wrapped under their column. The value names are also what argument errors print
 * (`--from DIR: the value is missing`), so that help and errors say the same.
 */

export interface HelpOption {
  /** `--from DIR`, `--function NAME ...`, `-h, --help`. */
  readonly flags: string;
  readonly text: string;
}

export interface HelpSection {
  readonly title: string;
  readonly options: readonly HelpOption[];
}

export interface HelpExample {
  readonly command: string;
  readonly note: string;
}

export interface CommandHelp {
  readonly usage: readonly string[];
  readonly summary: string;
  readonly sections: readonly HelpSection[];
  readonly examples: readonly HelpExample[];
  readonly notes?: readonly string[];
}

export const TOOL = 'lambda-role-audit';
export const HELP_WIDTH = 80;

const OUTPUT: HelpSection = {
  title: 'Output',
  options: [
    {
      flags: '--format FORMAT',
      text: 'table: for people (the default on a terminal); json: one report on stdout (the default in a pipe); markdown: for a pull request or a ticket; sarif: SARIF 2.1.0 for code scanning; html: one self-contained page (save it with > report.html)',
    },
    {
      flags: '--fail-on SEVERITY',
      text: 'exit 1 when an unsuppressed finding is at or above SEVERITY: critical, high (the default), medium, low, info; none never exits 1',
    },
    {
      flags: '--suppressions FILE',
      text: 'a YAML or JSON list of { rule, function?, role?, action?, resource?, reason }',
    },
    {
      flags: '--aws-managed-baseline SEVERITY',
      text: 'the severity of excess findings that only the AWS managed policies AWS recommends for the function cause (AWSLambdaBasicExecutionRole\u2019s logs on *, ...): info (the default: reported, not counted against compliance) or low',
    },
    {
      flags: '--tag-suppress-max-severity SEVERITY',
      text: 'the highest severity the tag lambda-role-audit:suppress may suppress: critical, high, medium (the default), low, info, or none',
    },
    {
      flags: '--tag-suppress-rules RULES',
      text: 'the rules that tag may suppress: a comma list, or all (the default: all but the two trust-policy rules)',
    },
    {
      flags: '--function-budget-ms MS',
      text: 'the most time one function\u2019s audit may take (default 10000); a function that takes longer is listed under "errors" as not audited completely (exit 3)',
    },
  ],
};

const HELP_OPTION: HelpOption = { flags: '-h, --help', text: 'this help' };

export const AUDIT_HELP: CommandHelp = {
  usage: [
    `${TOOL} audit [--from DIR | --region R[,R...] | --all-regions] [--profile P] [options]`,
    `${TOOL} audit --template FILE ... | --cdk-out DIR [options]`,
  ],
  summary:
    "What each function's execution role is missing, and what it grants in excess. Without --from or --template, the live account of the default AWS credentials.",
  sections: [
    {
      title: 'What to audit',
      options: [
        {
          flags: '--from DIR',
          text: 'an export folder (authorization-details.json, functions.json, event-source-mappings.json; optional event-invoke-configs.json, versions.json, aliases.json, resource-encryption.json): no network',
        },
        {
          flags: '--region R[,R...]',
          text: 'live audit: the region, or several (repeat the option or separate with commas); a role is judged with its functions in all of them (the default: the AWS SDK\u2019s, e.g. AWS_REGION)',
        },
        {
          flags: '--all-regions',
          text: 'live audit: every region enabled for the account (ec2:DescribeRegions)',
        },
        { flags: '--profile P', text: 'live audit: a named profile of ~/.aws/config' },
        {
          flags: '--function NAME ...',
          text: 'only these functions (names or ARNs): repeat the option, list names after it, or separate them with commas',
        },
      ],
    },
    {
      title: 'Templates, before they are deployed',
      options: [
        {
          flags: '--template FILE',
          text: 'a CloudFormation or AWS SAM template, JSON or YAML; repeat for several',
        },
        {
          flags: '--cdk-out DIR',
          text: 'every stack of a CDK cloud assembly (the output of cdk synth)',
        },
        {
          flags: '--parameter KEY=VALUE',
          text: 'a template parameter\u2019s value (else its Default); repeat for several',
        },
        {
          flags: '--account ID',
          text: 'the account the templates are meant for (default 123456789012); --region: default us-east-1',
        },
        {
          flags: '',
          text: 'Roles and policies the templates do not define: from --from DIR, or the live account with --profile P; without either, the verdicts that depend on them are "unverifiable".',
        },
      ],
    },
    OUTPUT,
    { title: 'Other', options: [HELP_OPTION] },
  ],
  examples: [
    { command: `${TOOL} audit --from ./account-export`, note: 'an export folder, offline' },
    {
      command: `${TOOL} audit --region eu-west-1 --profile prod`,
      note: 'the live account of profile prod',
    },
    {
      command: `${TOOL} audit --all-regions --format html > account.html`,
      note: 'every enabled region, at a glance in a browser',
    },
    {
      command: `${TOOL} audit --from DIR --function orders-ingest --format markdown`,
      note: 'one function, for a ticket',
    },
    {
      command: `${TOOL} audit --template template.yaml --parameter Stage=prod`,
      note: 'a SAM or CloudFormation template',
    },
    {
      command: `${TOOL} audit --cdk-out cdk.out --format sarif > audit.sarif`,
      note: 'a CDK app, for code scanning',
    },
    {
      command: `${TOOL} audit --from ./account-export --format html > report.html`,
      note: 'the account at a glance, in a browser',
    },
  ],
  notes: [
    'Exit status: 0 nothing at or above --fail-on; 1 such findings; 2 bad usage or unusable input; 3 some functions could not be audited (3 wins over 1).',
    'Warnings and progress go to stderr. Colour only on a terminal; NO_COLOR turns it off, FORCE_COLOR on. The table fits the terminal\u2019s width (COLUMNS in a pipe).',
  ],
};

export const EXPORT_HELP: CommandHelp = {
  usage: [`${TOOL} export --to DIR [--region R[,R...] | --all-regions] [--profile P]`],
  summary:
    'Write an export folder from the live account (in the AWS CLI\u2019s format), to audit later with audit --from DIR, share, or attach to a ticket.',
  sections: [
    {
      title: 'Options',
      options: [
        { flags: '--to DIR', text: 'the folder to write (created if needed)' },
        {
          flags: '--region R[,R...]',
          text: 'the region, or several (repeat the option or separate with commas; the default: the AWS SDK\u2019s, e.g. AWS_REGION)',
        },
        { flags: '--all-regions', text: 'every region enabled for the account' },
        { flags: '--profile P', text: 'a named profile of ~/.aws/config' },
        HELP_OPTION,
      ],
    },
  ],
  examples: [
    {
      command: `${TOOL} export --to ./account-export --region eu-west-1`,
      note: 'then: audit --from ./account-export',
    },
  ],
  notes: ['Exit status: 0 written; 2 unusable input, or some items could not be read (listed).'],
};

export const TOOL_HELP: CommandHelp = {
  usage: [`${TOOL} <command> [options]`, `${TOOL} <command> --help`],
  summary: 'Least-privilege audit of AWS Lambda execution roles.',
  sections: [
    {
      title: 'Commands',
      options: [
        {
          flags: 'audit',
          text: 'audit a live account, an export folder, or templates before they are deployed',
        },
        { flags: 'export', text: 'write an export folder from a live account' },
        { flags: 'help [COMMAND]', text: 'this help, or a command\u2019s' },
      ],
    },
    {
      title: 'Options',
      options: [
        { flags: '-h, --help', text: 'this help' },
        { flags: '-v, --version', text: 'the version' },
      ],
    },
  ],
  examples: [
    { command: `${TOOL} audit --from ./account-export`, note: 'an export folder, offline' },
    { command: `${TOOL} audit --region eu-west-1`, note: 'the live account' },
    { command: `${TOOL} audit --template template.yaml`, note: 'a template' },
    { command: `${TOOL} export --to ./account-export`, note: 'the live account, to a folder' },
  ],
  notes: [
    'Exit status: 0 nothing at or above --fail-on; 1 such findings; 2 bad usage or unusable input; 3 some functions could not be audited.',
    'The JSON report\u2019s schema ships with the package: schema/report.schema.json.',
  ],
};

export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  audit: AUDIT_HELP,
  export: EXPORT_HELP,
};

/** `--from` → `DIR`, from the help's flags: what argument errors print after the option. */
export function valueNamesOf(help: CommandHelp): Record<string, string> {
  const names: Record<string, string> = {};
  for (const section of help.sections) {
    for (const option of section.options) {
      const [flag, value] = option.flags.split(' ');
      if (flag?.startsWith('--') && value !== undefined && value !== '...') {
        names[flag.slice(2)] = value;
      }
    }
  }
  return names;
}

/** Words of `text` in lines of at most `width` columns; a word longer than a line stands alone. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (word === '') continue;
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

const FLAG_COLUMN = 2;
const TEXT_COLUMN = 24;

/** The help of a command, at `width` columns. */
export function renderHelp(help: CommandHelp, width = HELP_WIDTH): string {
  const out: string[] = [];
  help.usage.forEach((line, index) => {
    // A long usage line continues under its first option: `lambda-role-audit audit ` stays alone on the left.
    const second = line.indexOf(' ', line.indexOf(' ') + 1);
    const lead = second < 0 ? line.length : second + 1;
    const [first = '', ...rest] = wrapWords(line.slice(lead), width - 7 - lead);
    out.push(`${index === 0 ? 'Usage: ' : '       '}${line.slice(0, lead)}${first}`);
    for (const more of rest) out.push(`${' '.repeat(7 + lead)}${more}`);
  });
  out.push('', ...wrapWords(help.summary, width));
  const textWidth = width - TEXT_COLUMN;
  for (const section of help.sections) {
    out.push('', `${section.title}:`);
    for (const option of section.options) {
      const text = wrapWords(option.text, textWidth);
      const flags = `${' '.repeat(FLAG_COLUMN)}${option.flags}`;
      if (option.flags === '') {
        for (const line of wrapWords(option.text, width - FLAG_COLUMN))
          out.push(`${' '.repeat(FLAG_COLUMN)}${line}`);
        continue;
      }
      if (flags.length <= TEXT_COLUMN - 2) {
        out.push(`${flags.padEnd(TEXT_COLUMN)}${text[0] ?? ''}`);
        text.shift();
      } else {
        out.push(flags);
      }
      for (const line of text) out.push(`${' '.repeat(TEXT_COLUMN)}${line}`);
    }
  }
  if (help.examples.length > 0) {
    out.push('', 'Examples:');
    for (const example of help.examples) {
      out.push(`  ${example.command}`);
      for (const line of wrapWords(example.note, width - 6)) out.push(`      ${line}`);
    }
  }
  for (const note of help.notes ?? []) out.push('', ...wrapWords(note, width));
  return `${out.join('\n')}\n`;
}
