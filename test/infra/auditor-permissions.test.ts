/**
 * The permission list against the code: every AWS SDK command the source sends (`new XxxCommand(` and the
 * `paginateXxx` helpers) maps to an IAM action (`service:Action`) the list grants, and — per deployed
 * function, in the code esbuild keeps in its bundle (tree-shaken: what the handler's entry reaches) —
 * the list grants the function what its bundle sends and no SDK action the bundle never sends. What a
 * bundle holds on a path its handler never takes (`NOT_SENT_BY`) is not granted; the handler tests against
 * moto show it is never sent.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import {
  AUDITOR_FUNCTIONS,
  AUDITOR_PERMISSIONS,
  type AuditorFunction,
  NOT_SENT_BY,
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
  'client-securityhub': 'securityhub',
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

/**
 * The SDK calls in a handler's bundle, as esbuild writes it (tree-shaken, not minified, packages left as
 * imports): each `new X(` and `paginateX(` whose identifier is imported from an `@aws-sdk/client-*`
 * package, through its alias when esbuild renamed it (`GetRoleCommand as GetRoleCommand2`). An import alone
 * is not a call: esbuild keeps the names of an external import even when the code that used them is gone.
 */
async function bundleCalls(fn: AuditorFunction): Promise<{ inputs: string[]; actions: Set<string> }> {
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
  const text = result.outputFiles[0]?.text ?? '';
  const imported = new Map<string, { client: string; name: string }>();
  for (const [, names = '', client = ''] of text.matchAll(
    /import\s*\{([^}]*)\}\s*from\s*["']@aws-sdk\/(client-[a-z0-9-]+)["']/g,
  )) {
    for (const entry of names.split(',')) {
      const [name = '', local = name] = entry.trim().split(/\s+as\s+/);
      if (name !== '') imported.set(local.trim(), { client, name: name.trim() });
    }
  }
  const actions = new Set<string>();
  const add = (local: string, operationOf: (name: string) => string | undefined) => {
    const found = imported.get(local);
    if (found === undefined) return;
    const operation = operationOf(found.name);
    const prefix = SERVICE_PREFIX[found.client];
    if (operation === undefined) return;
    if (prefix === undefined) throw new Error(`no IAM service prefix known for @aws-sdk/${found.client}`);
    actions.add(`${prefix}:${operation}`);
  };
  for (const [, local = ''] of text.matchAll(/new\s+([A-Za-z_$][\w$]*)\s*\(/g)) {
    add(local, (name) => /^([A-Z][A-Za-z0-9]*)Command$/.exec(name)?.[1]);
  }
  for (const [, local = ''] of text.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(/g)) {
    add(local, (name) => /^paginate([A-Z][A-Za-z0-9]*)$/.exec(name)?.[1]);
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => input.endsWith('.ts'))
    .map((input) => join(root, input));
  return { inputs, actions };
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
      const { inputs, actions: sent } = await bundleCalls(fn);
      expect(inputs).toContain(join(root, 'functions', fn, 'handler.ts'));
      const mine = permissionsOf(fn).flatMap((p) => p.actions);
      const notSent = NOT_SENT_BY[fn].map((entry) => entry.action);
      expect([...sent].filter((action) => !granted(mine)(action) && !notSent.includes(action))).toEqual([]);
      // An entry of NOT_SENT_BY that the bundle no longer holds is stale, and none may be granted anyway.
      expect(notSent.filter((action) => !sent.has(action))).toEqual([]);
      expect(notSent.filter((action) => mine.includes(action))).toEqual([]);

      const unused = permissionsOf(fn)
        .filter((p) => p.origin === 'sdk')
        .flatMap((p) => p.actions.filter((a) => !sent.has(a)).map((a) => `${p.sid}: ${a}`));
      expect(unused).toEqual([]);
    },
  );

  it('keeps each handler’s bundle to its own calls: no Scan for the change handler, no directory for the sweep', async () => {
    const change = (await bundleCalls('change-handler')).actions;
    const sweep = (await bundleCalls('sweep')).actions;
    expect(change.has('dynamodb:Scan')).toBe(false);
    expect(change.has('dynamodb:BatchGetItem')).toBe(true);
    expect(sweep.has('dynamodb:BatchGetItem')).toBe(false);
    expect(sweep.has('iam:ListEntitiesForPolicy')).toBe(false);
    expect(sweep.has('lambda:GetEventSourceMapping')).toBe(false);
    expect(permissionsOf('change-handler').flatMap((p) => p.actions)).not.toContain('dynamodb:Scan');
    expect(permissionsOf('change-handler').flatMap((p) => p.actions)).not.toContain(
      'iam:GetAccountAuthorizationDetails',
    );
    expect(permissionsOf('sweep').flatMap((p) => p.actions)).not.toContain('iam:GetRole');
  });

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
