/**
 * Every error a user can reach through the command line, with what it says: one case per place that
 * throws (argument parser, options, export folder, suppressions file, templates, cloud assemblies, live
 * reads, functions not audited). Each message is checked for what it must name (the file, option, profile
 * or region the user has to act on) and for what it must never contain: a minified symbol of the bundle
 * (esbuild renames classes to two or three letters, as `lc` for GetAccountAuthorizationDetailsCommand),
 * a stack trace, or Node's own argument-parser wording. Runs the built CLI, as a user does.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MotoServer, startMotoServer } from '../../support/moto.js';
import { type CliRun, projectRoot, runCli } from '../../support/run-cli.js';

const basic = join(projectRoot, 'test/fixtures/scenarios/basic');
const work = mkdtempSync(join(tmpdir(), 'lra-errors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let folders = 0;
/** A fresh copy of the basic export folder, edited by `edit`. */
function exportFolder(edit: (folder: string) => void = () => undefined): string {
  folders += 1;
  const folder = join(work, `export-${folders}`);
  cpSync(basic, folder, { recursive: true });
  edit(folder);
  return folder;
}

function file(name: string, content: string | Buffer): string {
  const path = join(work, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

type Json = Record<string, unknown>;
function editJson(path: string, edit: (json: Json) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Json;
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}

/** The shared config files of a machine with one profile, `dev`, that has a region but no keys. */
function awsHome(): Record<string, string> {
  const home = join(work, 'home');
  mkdirSync(join(home, '.aws'), { recursive: true });
  writeFileSync(join(home, '.aws', 'config'), '[profile dev]\nregion = eu-west-1\n');
  writeFileSync(join(home, '.aws', 'credentials'), '');
  // No instance metadata either: this machine has no credentials at all.
  return { HOME: home, AWS_EC2_METADATA_DISABLED: 'true' };
}

interface ErrorCase {
  readonly name: string;
  readonly args: () => readonly string[];
  readonly env?: () => Record<string, string>;
  readonly exit: 2 | 3;
  /** What the message must contain: our wording first, then each thing it names. */
  readonly says: () => readonly (string | RegExp)[];
}

let moto: MotoServer;
const fakeKeys = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

const CASES: readonly ErrorCase[] = [
  // The argument parser (arguments.ts) and the commands (run-cli.ts).
  {
    name: 'an unknown option, with the closest one suggested',
    args: () => ['audit', '--form', basic],
    exit: 2,
    says: () => ['unknown option --form for audit; did you mean --from?', 'lambda-role-audit audit --help'],
  },
  {
    name: 'an option with one dash',
    args: () => ['audit', '-from', basic],
    exit: 2,
    says: () => ['unknown option -from for audit; did you mean --from?'],
  },
  {
    name: 'an option without its value',
    args: () => ['audit', '--from'],
    exit: 2,
    says: () => ['--from DIR: the value is missing'],
  },
  {
    name: 'an option whose value is the next option',
    args: () => ['audit', '--from', '--format', 'json'],
    exit: 2,
    says: () => ['--from DIR: the value is missing (the next argument, --format, is an option'],
  },
  {
    name: 'an empty value',
    args: () => ['audit', '--from='],
    exit: 2,
    says: () => ['--from DIR: the value is empty'],
  },
  {
    name: 'a single-valued option given twice',
    args: () => ['audit', '--format', 'json', '--format', 'table'],
    exit: 2,
    says: () => ['--format is given twice ("json", then "table"): give it once'],
  },
  {
    name: 'a value for a flag',
    args: () => ['audit', '--help=yes'],
    exit: 2,
    says: () => ['--help takes no value (got "yes")'],
  },
  {
    name: 'an unexpected argument',
    args: () => ['audit', '--from', basic, 'orders-consumer'],
    exit: 2,
    says: () => ['"orders-consumer"'],
  },
  {
    name: 'a mistyped command',
    args: () => ['audti'],
    exit: 2,
    says: () => ['unknown command "audti"; did you mean audit?', 'lambda-role-audit --help'],
  },
  {
    name: 'an option before the command',
    args: () => ['--from', basic],
    exit: 2,
    says: () => ['--from is not a command: put the command first, as in lambda-role-audit audit --from'],
  },
  {
    name: 'help on a command that does not exist',
    args: () => ['help', 'exprot'],
    exit: 2,
    says: () => ['no help for "exprot"; did you mean export?'],
  },
  {
    name: 'an unknown format',
    args: () => ['audit', '--from', basic, '--format', 'jsno'],
    exit: 2,
    says: () => ['--format "jsno" is not one of table, json, markdown, sarif', 'did you mean json?'],
  },
  {
    name: 'an unknown severity for --fail-on',
    args: () => ['audit', '--from', basic, '--fail-on', 'hihg'],
    exit: 2,
    says: () => [
      '--fail-on "hihg" is not one of critical, high, medium, low, info, none',
      'did you mean high?',
    ],
  },
  {
    name: 'an AWS managed baseline severity that is not one',
    args: () => ['audit', '--from', basic, '--aws-managed-baseline', 'lwo'],
    exit: 2,
    says: () => ['--aws-managed-baseline "lwo" is not one of info, low; did you mean low?'],
  },
  {
    name: 'a time budget that is not a number',
    args: () => ['audit', '--from', basic, '--function-budget-ms', '10s'],
    exit: 2,
    says: () => ['--function-budget-ms "10s" is not a whole number of milliseconds'],
  },
  {
    name: 'an unknown severity for the tag suppression',
    args: () => ['audit', '--from', basic, '--tag-suppress-max-severity', 'hgh'],
    exit: 2,
    says: () => ['--tag-suppress-max-severity: "hgh" is not one of'],
  },
  {
    name: 'an unknown rule for the tag suppression',
    args: () => ['audit', '--from', basic, '--tag-suppress-rules', 'missing-permision'],
    exit: 2,
    says: () => ['--tag-suppress-rules: "missing-permision" is not a rule'],
  },
  {
    name: 'a template option outside template mode',
    args: () => ['audit', '--from', basic, '--parameter', 'Stage=prod'],
    exit: 2,
    says: () => ['--parameter and --account apply to template mode (--template FILE or --cdk-out DIR)'],
  },
  {
    name: 'a region that is not one',
    args: () => ['audit', '--region', 'eu-west'],
    exit: 2,
    says: () => ['--region "eu-west" is not a region name (such as eu-west-1)'],
  },
  {
    name: 'a region list and every region at once',
    args: () => ['audit', '--region', 'eu-west-1', '--all-regions'],
    exit: 2,
    says: () => ['--all-regions reads every enabled region: leave out --region'],
  },
  {
    name: 'every region without credentials, the profile named',
    args: () => ['audit', '--all-regions', '--profile', 'prod'],
    env: awsHome,
    exit: 2,
    says: () => ['profile "prod" is not in'],
  },
  {
    name: 'export without a folder',
    args: () => ['export', '--region', 'eu-west-1'],
    exit: 2,
    says: () => ['export needs --to DIR, the folder to write', 'lambda-role-audit export --help'],
  },
  {
    name: 'export with a stray argument',
    args: () => ['export', '--to', join(work, 'out'), 'now'],
    exit: 2,
    says: () => ['unexpected argument "now"'],
  },

  // The export folder (export-folder-source.ts, decode-text.ts, run-audit.ts).
  {
    name: 'an export folder that does not exist',
    args: () => ['audit', '--from', join(work, 'no-such-folder')],
    exit: 2,
    says: () => [`export folder ${join(work, 'no-such-folder')} cannot be read: ENOENT`],
  },
  {
    name: 'an export folder that is a file',
    args: () => ['audit', '--from', file('a-file.json', '{}')],
    exit: 2,
    says: () => [`export folder ${join(work, 'a-file.json')} is not a directory`],
  },
  {
    name: 'a required file missing',
    args: () => ['audit', '--from', exportFolder((folder) => rmSync(join(folder, 'functions.json')))],
    exit: 2,
    says: () => ['functions.json', 'an export folder needs authorization-details.json, functions.json'],
  },
  {
    name: 'a file that is not JSON',
    args: () => [
      'audit',
      '--from',
      exportFolder((folder) => writeFileSync(join(folder, 'functions.json'), '{"Functions": [,]}')),
    ],
    exit: 2,
    says: () => ['functions.json is not valid JSON', '"{"Functions": [,]}"'],
  },
  {
    name: 'a file of the wrong shape',
    args: () => [
      'audit',
      '--from',
      exportFolder((folder) => writeFileSync(join(folder, 'functions.json'), '{"Functions": [{"Role": 1}]}')),
    ],
    exit: 2,
    says: () => ['functions.json does not have the shape the AWS CLI prints', 'Functions[0]'],
  },
  {
    name: 'a file in UTF-32',
    args: () => [
      'audit',
      '--from',
      exportFolder((folder) =>
        writeFileSync(join(folder, 'functions.json'), Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0])),
      ),
    ],
    exit: 2,
    says: () => ['functions.json is UTF-32 text: save it as UTF-8'],
  },
  {
    name: 'a file cut in the middle of a UTF-16 character',
    args: () => [
      'audit',
      '--from',
      exportFolder((folder) =>
        writeFileSync(join(folder, 'functions.json'), Buffer.from([0xff, 0xfe, 0x7b])),
      ),
    ],
    exit: 2,
    says: () => ['functions.json looks like UTF-16 text but has an odd number of bytes: save it as UTF-8'],
  },
  {
    name: 'a --function the folder does not have',
    args: () => ['audit', '--from', basic, '--function', 'orders-consumr'],
    exit: 2,
    says: () => ['function orders-consumr not found in the export folder', basic],
  },

  // Functions that could not be audited: the others are, and the run says which (exit 3).
  {
    name: 'a managed policy the export lacks',
    args: () => [
      'audit',
      '--from',
      exportFolder((folder) =>
        editJson(join(folder, 'authorization-details.json'), (json) => {
          for (const role of json.RoleDetailList as Json[]) {
            role.AttachedManagedPolicies = [
              { PolicyName: 'extra', PolicyArn: 'arn:aws:iam::123456789012:policy/extra' },
            ];
          }
        }),
      ),
      '--format',
      'json',
    ],
    exit: 3,
    says: () => [
      'function orders-consumer was not audited: role arn:aws:iam::123456789012:role/orders-consumer-role uses the managed policy arn:aws:iam::123456789012:policy/extra, which the account data does not contain',
    ],
  },
  {
    name: 'a role of another account',
    args: () => [
      'audit',
      '--from',
      exportFolder((folder) =>
        editJson(join(folder, 'functions.json'), (json) => {
          const [first] = json.Functions as Json[];
          if (first) first.Role = 'arn:aws:iam::210987654321:role/orders-consumer-role';
        }),
      ),
      '--format',
      'json',
    ],
    exit: 3,
    says: () => [
      'function orders-consumer was not audited: its execution role arn:aws:iam::210987654321:role/orders-consumer-role is in account 210987654321',
    ],
  },

  // The suppressions file (load-suppressions-file.ts, suppressions.ts).
  {
    name: 'a suppressions file that does not exist',
    args: () => ['audit', '--from', basic, '--suppressions', join(work, 'nope.yaml')],
    exit: 2,
    says: () => [`suppressions file ${join(work, 'nope.yaml')} cannot be read (ENOENT)`],
  },
  {
    name: 'a suppressions file that is not YAML',
    args: () => ['audit', '--from', basic, '--suppressions', file('bad.yaml', 'suppressions: [\n')],
    exit: 2,
    says: () => [`suppressions file ${join(work, 'bad.yaml')} is neither valid YAML nor JSON`],
  },
  {
    name: 'a suppression without a reason',
    args: () => [
      'audit',
      '--from',
      basic,
      '--suppressions',
      file('no-reason.yaml', 'suppressions:\n  - rule: missing-permission\n'),
    ],
    exit: 2,
    says: () => [join(work, 'no-reason.yaml'), 'not a valid suppressions list', 'reason'],
  },

  // Templates and cloud assemblies (template-source.ts, parse-template.ts, cdk-assembly.ts, template-mode.ts).
  {
    name: 'a template that does not exist',
    args: () => ['audit', '--template', join(work, 'missing.yaml')],
    exit: 2,
    says: () => [`cannot read the template ${join(work, 'missing.yaml')}`],
  },
  {
    name: 'a template that is not YAML',
    args: () => ['audit', '--template', file('broken.yaml', 'Resources:\n  Fn: [\n')],
    exit: 2,
    says: () => [`${join(work, 'broken.yaml')}:`, 'not a valid JSON or YAML template'],
  },
  {
    name: 'a template with a tag that is no intrinsic function',
    args: () => ['audit', '--template', file('tag.yaml', 'Resources:\n  Fn:\n    Type: !Bogus x\n')],
    exit: 2,
    says: () => [`${join(work, 'tag.yaml')}:3: unknown tag !Bogus`],
  },
  {
    name: 'a template that is not a mapping',
    args: () => ['audit', '--template', file('list.yaml', '- a\n- b\n')],
    exit: 2,
    says: () => [`${join(work, 'list.yaml')}: a template must be a mapping (with Resources)`],
  },
  {
    name: 'a template parameter without a value',
    args: () => ['audit', '--template', file('empty.yaml', 'Resources: {}\n'), '--parameter', 'Stage'],
    exit: 2,
    says: () => ['--parameter "Stage" is not KEY=VALUE'],
  },
  {
    name: 'an account ID that is not one',
    args: () => ['audit', '--template', file('empty2.yaml', 'Resources: {}\n'), '--account', '1234'],
    exit: 2,
    says: () => ['--account "1234" is not a 12-digit AWS account ID'],
  },
  {
    name: 'a cloud assembly that does not exist',
    args: () => ['audit', '--cdk-out', join(work, 'no-cdk.out')],
    exit: 2,
    says: () => ['cannot read the cloud assembly manifest', join(work, 'no-cdk.out', 'manifest.json')],
  },
  {
    name: 'a cloud assembly whose manifest is not JSON',
    args: () => {
      file('bad-cdk.out/manifest.json', '{"artifacts": ');
      return ['audit', '--cdk-out', join(work, 'bad-cdk.out')];
    },
    exit: 2,
    says: () => [join(work, 'bad-cdk.out', 'manifest.json'), 'the cloud assembly manifest is not valid JSON'],
  },
  {
    name: 'a cloud assembly without a stack',
    args: () => {
      file('empty-cdk.out/manifest.json', '{"version": "36.0.0", "artifacts": {}}');
      return ['audit', '--cdk-out', join(work, 'empty-cdk.out')];
    },
    exit: 2,
    says: () => [`${join(work, 'empty-cdk.out')}: the cloud assembly has no stack`],
  },
  {
    name: 'a cloud assembly template outside the assembly',
    args: () => {
      file(
        'escape-cdk.out/manifest.json',
        JSON.stringify({
          artifacts: {
            S: { type: 'aws:cloudformation:stack', properties: { templateFile: '../../x.json' } },
          },
        }),
      );
      return ['audit', '--cdk-out', join(work, 'escape-cdk.out')];
    },
    exit: 2,
    says: () => ['the template ../../x.json is outside the cloud assembly'],
  },

  // Live reads (cli-live.ts, live-error.ts): the profile and region named, what to do said.
  {
    name: 'a profile that does not exist',
    args: () => ['audit', '--profile', 'prod', '--region', 'eu-west-1'],
    env: awsHome,
    exit: 2,
    says: () => [
      'profile "prod" is not in',
      join(work, 'home', '.aws', 'config'),
      join(work, 'home', '.aws', 'credentials'),
      'aws configure list-profiles',
    ],
  },
  {
    name: 'a profile without credentials',
    args: () => ['audit', '--profile', 'dev'],
    env: awsHome,
    exit: 2,
    says: () => ['no AWS credentials for profile "dev"', 'aws sso login --profile dev'],
  },
  {
    name: 'no credentials at all',
    args: () => ['audit', '--region', 'eu-west-1'],
    env: awsHome,
    exit: 2,
    says: () => ['no AWS credentials found', 'pass --profile or set AWS_PROFILE'],
  },
  {
    name: 'no region',
    args: () => ['audit'],
    env: () => ({ ...awsHome(), ...fakeKeys }),
    exit: 2,
    says: () => ['no AWS region for the live audit: pass --region, or set AWS_REGION'],
  },
  {
    name: 'credentials AWS refuses, with the operation as AWS spells it',
    args: () => ['audit', '--region', 'eu-west-1'],
    env: () => ({ ...awsHome(), ...fakeKeys, AWS_ENDPOINT_URL: moto.endpoint }),
    exit: 2,
    // Which of the account's three reads fails first depends on timing; moto answers Lambda's in XML.
    says: () => [
      /cannot read the account: (GetAccountAuthorizationDetails|ListFunctions|ListEventSourceMappings) /,
      /InvalidClientTokenId|is not one AWS sends: is a proxy in the way/,
      'region eu-west-1',
    ],
  },
  {
    name: 'export with a profile that does not exist',
    args: () => ['export', '--to', join(work, 'out'), '--profile', 'prod', '--region', 'eu-west-1'],
    env: awsHome,
    exit: 2,
    says: () => ['profile "prod" is not in'],
  },
];

/**
 * The bundle's minified class names (`lc=class extends …`, `class Xe extends …`): what an error's class
 * or command name becomes in dist/. English words that happen to be among them are not symbols.
 */
function bundleClassNames(): Set<string> {
  const dist = join(projectRoot, 'dist');
  const files = [
    join(dist, 'cli.mjs'),
    ...readdirSync(join(dist, 'cli-chunks'))
      .filter((name) => name.endsWith('.mjs'))
      .map((name) => join(dist, 'cli-chunks', name)),
  ];
  const names = new Set<string>();
  for (const path of files) {
    const code = readFileSync(path, 'utf8');
    for (const match of code.matchAll(
      /(?<![\w$.])([A-Za-z_$][\w$]{1,2})=class\b|\bclass ([A-Za-z_$][\w$]{1,2})\b/g,
    )) {
      names.add(match[1] ?? match[2] ?? '');
    }
  }
  for (const word of ENGLISH) names.delete(word);
  names.delete('');
  return names;
}

// Words and the acronyms messages use (ID, MQ…), which a bundle may also happen to use as a name.
const ENGLISH = [
  ...'a an as at be by do go he if in is it me my no of on or so to up us we am id ms ok'.split(' '),
  ...'ID OK MQ AWS ARN CLI DLQ ESM IAM KMS MSK SDK SNS SQS URL UTF VPC'.split(' '),
];

function minifiedSymbols(message: string, symbols: ReadonlySet<string>): string[] {
  // Paths and ARNs (docs/live-audit.md, role/x) are the user's or AWS's names, not symbols.
  const words = message.replace(/\S*\/\S*|\barn:\S*/g, ' ');
  // A hyphenated word (eu-west-1, lambda-role-audit) is one word, not a symbol and its neighbours.
  return (words.match(/[\w$-]+/g) ?? []).filter((word) => symbols.has(word));
}

describe('every error message a user can reach', () => {
  const runs = new Map<string, CliRun>();
  let symbols: ReadonlySet<string> = new Set();
  beforeAll(async () => {
    symbols = bundleClassNames();
    moto = await startMotoServer('eu-west-1', { INITIAL_NO_AUTH_ACTION_COUNT: '0' });
    // One at a time: the machine's cores are shared, and the live cases time out under load.
    for (const errorCase of CASES) {
      runs.set(errorCase.name, await runCli(errorCase.args(), { env: errorCase.env?.() ?? awsHome() }));
    }
  }, 180_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it.each(CASES.map((errorCase) => [errorCase.name, errorCase] as const))('%s', (_, errorCase) => {
    const run = runs.get(errorCase.name);
    if (!run) throw new Error(`no run for ${errorCase.name}`);
    const message = run.stderr.replaceAll(work, '<tmp>').replaceAll(projectRoot, '<project>');
    expect({ status: run.status, message }).toEqual({ status: errorCase.exit, message: expect.any(String) });
    for (const part of errorCase.says()) {
      if (typeof part === 'string') {
        expect(message).toContain(part.replaceAll(work, '<tmp>').replaceAll(projectRoot, '<project>'));
      } else expect(message).toMatch(part);
    }
    // One message per problem, each a line of ours; no stack trace, no parser or SDK internals.
    for (const line of message.split('\n').filter((text) => text !== '')) {
      expect(line.startsWith('lambda-role-audit: ') || line.startsWith('  ')).toBe(true);
    }
    expect(message).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(message).not.toContain('unexpected error');
    expect(message).not.toContain('To specify a positional argument');
    expect(minifiedSymbols(message, symbols)).toEqual([]);
  });

  it("knows the bundle's minified class names, and no English word among them", () => {
    // Hundreds of classes (the AWS SDK's commands and errors among them) are renamed in the bundle.
    expect(symbols.size).toBeGreaterThan(100);
    const [symbol] = [...symbols].filter((name) => /^[a-z]{2}$/.test(name));
    expect(minifiedSymbols(`cannot read the account: ${symbol} in this account`, symbols)).toEqual([symbol]);
    expect(minifiedSymbols(`GetRole ${symbol}: AccessDenied`, symbols)).toEqual([symbol]);
    expect(minifiedSymbols('the role of profile "dev" is in us-east-1 or at an end', symbols)).toEqual([]);
  });
});
