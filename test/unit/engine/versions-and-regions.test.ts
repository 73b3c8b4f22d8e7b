/**
 * Versions and aliases (requirements.md §2b) and roles across regions, judged by the engine:
 * - "These settings can vary between versions of a function and are locked when you publish a version"
 *   (UpdateFunctionConfiguration, the execution role among them), so a mapping or invoke config on a
 *   version is judged against that version's role;
 * - an alias "is a pointer to a specific function version", and with a routing configuration sends a
 *   share of invocations to a second version (AliasRoutingConfiguration.AdditionalVersionWeights);
 * - IAM is global: one role serves functions in several regions, and is judged with all of them.
 */

import { auditAccount } from '../../../shared/domain/audit/audit-account.js';
import { auditTargets } from '../../../shared/domain/audit/audit-targets.js';
import { mergeSnapshots } from '../../../shared/domain/merge-snapshots.js';
import type { AccountSnapshot, FunctionConfiguration } from '../../../shared/domain/model.js';
import {
  ACCOUNT,
  allow,
  doc,
  functionArn,
  lambdaFunction,
  logsStatement,
  mapping,
  PREFIX,
  role,
  roleArn,
  snapshot,
} from '../../support/snapshot-builder.js';
import { audit, testCatalog } from '../rules/audit-helper.js';
import { reportValidator } from '../scenarios/report-expectations.js';

const QUEUE = `arn:aws:sqs:${PREFIX}:orders`;
const SQS_READ = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

/** Version `n` of function `f`, published while `roleName` was its role. */
function version(
  n: string,
  roleName: string,
  extra: Partial<FunctionConfiguration> = {},
): FunctionConfiguration {
  return {
    ...lambdaFunction('f', { Role: roleArn(roleName) }),
    FunctionArn: `${functionArn('f')}:${n}`,
    Version: n,
    ...extra,
  };
}

const roles = [
  role('reader-role', { inline: { main: doc(logsStatement('f'), allow(SQS_READ, QUEUE)) } }),
  role('latest-role', { inline: { main: doc(logsStatement('f')) } }),
];
const latest = lambdaFunction('f', { Role: roleArn('latest-role'), Version: '$LATEST' });

describe('qualified mappings and invoke configs', () => {
  it('judges a mapping on a version number against that version’s role, as its own result', async () => {
    const report = await audit({
      functions: [latest],
      roles,
      mappings: [mapping('f', QUEUE, { FunctionArn: `${functionArn('f')}:3` })],
      versions: [version('3', 'reader-role')],
      aliases: [],
    });
    expect(
      report.functions.map((fn) => [fn.functionArn, fn.roleArn, fn.version, fn.findings.length]),
    ).toEqual([
      [functionArn('f'), roleArn('latest-role'), undefined, 0],
      [`${functionArn('f')}:3`, roleArn('reader-role'), '3', 0],
    ]);
    expect(report.summary.functions).toBe(2);
    expect(reportValidator()(report)).toEqual([]);
  });

  it('judges an alias’s mapping against every version it routes to, naming the alias on each', async () => {
    const report = await audit({
      functions: [latest],
      roles,
      mappings: [mapping('f', QUEUE, { FunctionArn: `${functionArn('f')}:live` })],
      versions: [version('3', 'reader-role'), version('4', 'latest-role')],
      aliases: [
        {
          AliasArn: `${functionArn('f')}:live`,
          Name: 'live',
          FunctionVersion: '3',
          RoutingConfig: { AdditionalVersionWeights: { '4': 0.1 } },
        },
      ],
    });
    const v3 = report.functions.find((fn) => fn.version === '3');
    const v4 = report.functions.find((fn) => fn.version === '4');
    expect(v3).toMatchObject({ aliases: ['live'], findings: [] });
    // Version 4 takes a tenth of the traffic with a role that cannot read the queue.
    expect(v4?.aliases).toEqual(['live']);
    expect(
      v4?.findings
        .filter((f) => f.rule === 'missing-permission')
        .map((f) => f.action)
        .sort(),
    ).toEqual([...SQS_READ].sort());
    expect(report.functions.find((fn) => fn.version === undefined)?.findings).toEqual([]);
  });

  it('judges $LATEST and unqualified targets as the function, as before', () => {
    const targets = auditTargets(
      snapshot({
        functions: [latest],
        mappings: [mapping('f', QUEUE, { FunctionArn: `${functionArn('f')}:$LATEST` }), mapping('f', QUEUE)],
        versions: [],
        aliases: [],
      }),
    );
    expect(targets.targets).toHaveLength(1);
    expect(targets.targets[0]?.mappings).toHaveLength(2);
    expect(targets.notes).toEqual([]);
  });

  it('falls back to $LATEST with a note when versions or aliases were not read, or the one named is unknown', async () => {
    const withoutFiles = await audit({
      functions: [latest],
      roles,
      mappings: [mapping('f', QUEUE, { FunctionArn: `${functionArn('f')}:7` })],
    });
    expect(withoutFiles.functions).toHaveLength(1);
    expect(withoutFiles.functions[0]?.findings.map((f) => f.action).sort()).toEqual([...SQS_READ].sort());
    expect(withoutFiles.notes).toContainEqual(
      expect.stringContaining(
        'targets f:7; the published versions were not read (an export folder without versions.json)',
      ),
    );
    const unknownAlias = await audit({
      functions: [latest],
      roles,
      invokeConfigs: [{ FunctionArn: `${functionArn('f')}:blue` }],
      versions: [],
      aliases: [],
    });
    expect(unknownAlias.notes).toEqual([expect.stringContaining('alias blue is not among the aliases read')]);
  });

  it('counts a version among its role’s functions: its mapping keeps the SQS grant from being unused elsewhere', async () => {
    const shared = role('shared-role', {
      inline: { main: doc(logsStatement('f'), logsStatement('g'), allow(SQS_READ, QUEUE)) },
    });
    const spec = {
      functions: [
        lambdaFunction('f', { Role: roleArn('latest-role') }),
        lambdaFunction('g', { Role: roleArn('shared-role') }),
      ],
      roles: [...roles, shared],
      mappings: [mapping('f', QUEUE, { FunctionArn: `${functionArn('f')}:2` })],
      aliases: [],
    };
    const judged = await audit({ ...spec, versions: [version('2', 'shared-role')] });
    const g = judged.functions.find((fn) => fn.functionName === 'g');
    expect(g?.sharedWith).toEqual(['f:2']);
    expect(g?.findings.map((f) => f.rule)).not.toContain('unused-source-permission');
  });

  it('gives a version the function’s tags, so that a suppression tag on the function covers it', async () => {
    // A tag may suppress high findings only where the policy lets it (by default it may not).
    const report = await audit(
      {
        functions: [
          { ...latest, Tags: [{ Key: 'lambda-role-audit:suppress', Value: 'missing-permission' }] },
        ],
        roles,
        mappings: [mapping('f', QUEUE, { FunctionArn: `${functionArn('f')}:4` })],
        versions: [version('4', 'latest-role')],
        aliases: [],
      },
      { tagSuppression: { maxSeverity: 'critical', rules: ['missing-permission'] } },
    );
    const v4 = report.functions.find((fn) => fn.version === '4');
    expect(v4?.findings.length).toBeGreaterThan(0);
    expect(v4?.findings.every((f) => f.suppressed === true)).toBe(true);
  });
});

describe('a role across regions', () => {
  const west = (name: string) => `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`;
  const shared = role('jobs-role', {
    inline: {
      main: doc(
        allow(
          ['logs:CreateLogStream', 'logs:PutLogEvents'],
          `arn:aws:logs:*:${ACCOUNT}:log-group:/aws/lambda/*:*`,
        ),
        allow(SQS_READ, QUEUE),
      ),
    },
  });
  const eastSnapshot = snapshot({
    functions: [lambdaFunction('east', { Role: shared.Arn })],
    roles: [shared],
    mappings: [mapping('east', QUEUE)],
  });
  const westSnapshot: AccountSnapshot = {
    ...snapshot({
      functions: [{ ...lambdaFunction('west', { Role: shared.Arn }), FunctionArn: west('west') }],
      roles: [shared],
    }),
    source: { kind: 'live', account: ACCOUNT, region: 'eu-west-1' },
  };

  it('merges regions into one snapshot: IAM once, regional things side by side, the regions named', () => {
    const merged = mergeSnapshots([eastSnapshot, westSnapshot]);
    expect(merged.source).toEqual({
      kind: 'export',
      account: ACCOUNT,
      regions: ['eu-west-1', 'us-west-2'],
      path: 'test',
    });
    expect(merged.functions.map((fn) => fn.FunctionName)).toEqual(['east', 'west']);
    expect(merged.roles.size).toBe(1);
    expect(mergeSnapshots([eastSnapshot])).toBe(eastSnapshot);
  });

  it('calls the grant unused in one region alone, and shared context when the role is judged across regions', async () => {
    const catalog = await testCatalog();
    const options = { catalog, generatedAt: '2026-12-02T00:00:00.000Z' };
    const alone = auditAccount(westSnapshot, options);
    expect(alone.functions[0]?.findings.map((f) => f.rule)).toContain('unused-source-permission');
    const together = auditAccount(mergeSnapshots([eastSnapshot, westSnapshot]), options);
    const westResult = together.functions.find((fn) => fn.functionName === 'west');
    expect(westResult?.findings.map((f) => f.rule)).not.toContain('unused-source-permission');
    expect(westResult?.sharedWith).toEqual(['east']);
    expect(together.source.regions).toEqual(['eu-west-1', 'us-west-2']);
    expect(reportValidator()(together)).toEqual([]);
  });

  it('reports a read error of IAM (read once for every region) once', () => {
    const error = { resource: 'arn:aws:iam::aws:policy/x', message: 'GetPolicy: AccessDenied' };
    const merged = mergeSnapshots([
      { ...eastSnapshot, readErrors: [error] },
      { ...westSnapshot, readErrors: [{ ...error }] },
    ]);
    expect(merged.readErrors).toEqual([error]);
  });
});
