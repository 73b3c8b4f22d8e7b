/**
 * The permission list against the code: every AWS SDK command the source sends (`new XxxCommand(` and the
 * `paginateXxx` helpers) maps to an IAM action (`service:Action`) the list grants, and — per deployed
 * function, following what esbuild puts in its bundle — the list grants a function no SDK action its
 * bundle never sends.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import {
  AUDITOR_FUNCTIONS,
  AUDITOR_PERMISSIONS,
  type AuditorFunction,
  permissionsOf,
  SDK_COMMANDS_WITHOUT_PERMISSION,
} from '../../shared/auditor-permissions.js';

const root = process.cwd();

/** The IAM service prefix of each SDK client package. */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  'client-iam': 'iam',
  'client-lambda': 'lambda',
  'client-dynamodb': 'dynamodb',
  'client-dynamodb-streams': 'dynamodb',
  'client-sns': 'sns',
  'client-sqs': 'sqs',
  'client-secrets-manager': 'secretsmanager',
  'client-ssm': 'ssm',
  'client-eventbridge': 'events',
  'client-kinesis': 'kinesis',
  'client-kms': 'kms',
};

interface SdkCall {
  readonly action: string;
  readonly file: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** The SDK calls one source file makes, resolved through its imports from `@aws-sdk/client-*`. */
function sdkCallsIn(path: string): SdkCall[] {
  const text = readFileSync(path, 'utf8');
  const file = relative(root, path);
  const imported = new Map<string, string>();
  for (const match of text.matchAll(
    /import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g,
  )) {
    const [, names = '', client = ''] = match;
    for (const name of names.split(',')) {
      const local = name
        .replace(/^\s*type\s+/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (local) imported.set(local, client);
    }
  }
  const calls: SdkCall[] = [];
  const add = (identifier: string, operation: string) => {
    const client = imported.get(identifier);
    if (client === undefined) {
      throw new Error(`${file}: ${identifier} is not imported from an @aws-sdk/client-* package`);
    }
    const prefix = SERVICE_PREFIX[client];
    if (prefix === undefined) {
      throw new Error(
        `${file}: no IAM service prefix known for @aws-sdk/${client}; add it to SERVICE_PREFIX`,
      );
    }
    calls.push({ action: `${prefix}:${operation}`, file });
  };
  for (const [, identifier = '', operation = ''] of text.matchAll(
    /new\s+(([A-Z][A-Za-z0-9]*)Command)\s*\(/g,
  )) {
    add(identifier, operation);
  }
  for (const [, identifier = '', operation = ''] of text.matchAll(/\b(paginate([A-Z][A-Za-z0-9]*))\s*\(/g)) {
    add(identifier, operation);
  }
  return calls;
}

/** The project source files esbuild puts in a handler's bundle. */
async function bundleInputs(fn: AuditorFunction): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: [join(root, 'functions', fn, 'handler.ts')],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs)
    .filter((input) => input.endsWith('.ts'))
    .map((input) => join(root, input));
}

const granted = (actions: readonly string[]) => (action: string) =>
  SDK_COMMANDS_WITHOUT_PERMISSION.includes(action) || actions.includes(action);

describe('the auditor permission list', () => {
  // The CLI runs with its user's credentials, not with the deployed roles.
  const files = [...sourceFiles(join(root, 'shared')), ...sourceFiles(join(root, 'functions'))].filter(
    (f) => !relative(root, f).startsWith(join('shared', 'cli')),
  );
  const calls = files.flatMap(sdkCallsIn);

  it('finds the SDK calls in the source', () => {
    expect(calls.map((c) => c.action)).toEqual(
      expect.arrayContaining(['iam:GetAccountAuthorizationDetails', 'lambda:ListFunctions', 'sns:Publish']),
    );
  });

  it('grants every IAM action an SDK command of the code needs', () => {
    const all = AUDITOR_PERMISSIONS.flatMap((p) => p.actions);
    const missing = calls.filter((c) => !granted(all)(c.action));
    expect(missing).toEqual([]);
  });

  it.each(AUDITOR_FUNCTIONS.map((fn) => [fn]))(
    'grants %s what its bundle sends, and no SDK action it never sends',
    async (fn) => {
      const inputs = await bundleInputs(fn);
      expect(inputs).toContain(join(root, 'functions', fn, 'handler.ts'));
      const sent = inputs.flatMap(sdkCallsIn);
      const mine = permissionsOf(fn);
      expect(sent.filter((c) => !granted(mine.flatMap((p) => p.actions))(c.action))).toEqual([]);

      const sentActions = new Set(sent.map((c) => c.action));
      const unused = mine
        .filter((p) => p.origin === 'sdk')
        .flatMap((p) => p.actions.filter((a) => !sentActions.has(a)).map((a) => `${p.sid}: ${a}`));
      expect(unused).toEqual([]);
    },
  );

  it('declares each statement once, with a statement id IAM accepts and a reason', () => {
    const sids = AUDITOR_PERMISSIONS.map((p) => p.sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const p of AUDITOR_PERMISSIONS) {
      expect(p.sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(p.why.length).toBeGreaterThan(10);
      for (const action of p.actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    }
  });
});
