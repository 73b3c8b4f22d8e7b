/**
 * What moto cannot emulate, forced with aws-sdk-client-mock: throttling and AccessDenied on one role, a
 * failure in the middle of a pagination, pagination itself (moto ignores MaxItems), and the number of
 * calls a single-function audit makes with a cold and a warm policy cache.
 */

import { Readable } from 'node:stream';
import {
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type Role,
} from '@aws-sdk/client-iam';
import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionEventInvokeConfigsCommand,
  ListFunctionsCommand,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { loadActionCatalog } from '../../../shared/adapters/action-catalog/load-action-catalog.js';
import { LiveAccountReadError } from '../../../shared/adapters/aws/aws-errors.js';
import { ApiCallCounter, countApiCalls } from '../../../shared/adapters/aws/call-counter.js';
import {
  createLiveSource,
  createMultiRegionLiveSource,
  functionNamesByRegion,
} from '../../../shared/adapters/aws/live-source.js';
import { PolicyVersionCache } from '../../../shared/adapters/aws/policy-version-cache.js';
import { auditAccount } from '../../../shared/domain/audit/audit-account.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;

const TRUST = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  }),
);
const allow = (actions: string[], resource = '*') =>
  encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }],
    }),
  );

function sdkError(name: string, message: string, status: number, attempts = 1): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts },
  });
}

function setup() {
  const iam = new IAMClient({ region: REGION, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const lambda = new LambdaClient({
    region: REGION,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const iamMock = mockClient(iam);
  const lambdaMock = mockClient(lambda);
  // Untagged functions, unless a test says otherwise.
  lambdaMock.on(ListTagsCommand).resolves({ Tags: {} });
  const source = (cache = new PolicyVersionCache()) =>
    createLiveSource({ clients: { iam, lambda }, lambdaRequestsPerSecond: 1000, policyCache: cache });
  return { iam, lambda, iamMock, lambdaMock, source };
}

type Mocks = ReturnType<typeof setup>;

function fn(name: string, role: string): FunctionConfiguration {
  return { FunctionName: name, FunctionArn: functionArn(name), Role: roleArn(role), Runtime: 'nodejs22.x' };
}

/** A role with one inline policy, for the per-function path. */
function mockRole(mocks: Mocks, name: string, actions: string[]) {
  mocks.iamMock.on(GetRoleCommand, { RoleName: name }).resolves({
    Role: {
      RoleName: name,
      Arn: roleArn(name),
      Path: '/',
      RoleId: `AROA${name}`,
      CreateDate: new Date(0),
      AssumeRolePolicyDocument: TRUST,
    },
  });
  mocks.iamMock
    .on(ListRolePoliciesCommand, { RoleName: name })
    .resolves({ PolicyNames: ['main'], IsTruncated: false });
  mocks.iamMock.on(GetRolePolicyCommand, { RoleName: name, PolicyName: 'main' }).resolves({
    RoleName: name,
    PolicyName: 'main',
    PolicyDocument: allow(actions),
  });
  mocks.iamMock
    .on(ListAttachedRolePoliciesCommand, { RoleName: name })
    .resolves({ AttachedPolicies: [], IsTruncated: false });
}

function mockFunction(mocks: Mocks, name: string, role: string) {
  mocks.lambdaMock.on(GetFunctionConfigurationCommand, { FunctionName: name }).resolves(fn(name, role));
  // One listing of the account's mappings per read: a version's or alias's mapping is not the function's
  // to a FunctionName filter.
  mocks.lambdaMock.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
  mocks.lambdaMock
    .on(ListFunctionEventInvokeConfigsCommand, { FunctionName: functionArn(name) })
    .resolves({ FunctionEventInvokeConfigs: [] });
}

describe('live source: faults on one role', () => {
  it.each([
    [
      'throttling after retries',
      sdkError('Throttling', 'Rate exceeded', 400, 8),
      /Throttling: Rate exceeded \(after 8 attempts\)/,
    ],
    ['AccessDenied', sdkError('AccessDenied', 'not authorized to perform: iam:GetRole', 403), /AccessDenied/],
    ['a 5xx', sdkError('ServiceFailure', 'internal error', 500, 8), /ServiceFailure/],
  ])(
    'turns %s on one role into a read error for its function, and audits the others',
    async (_label, error, pattern) => {
      const mocks = setup();
      mockFunction(mocks, 'healthy', 'healthy-role');
      mockFunction(mocks, 'blocked', 'blocked-role');
      mockRole(mocks, 'healthy-role', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
      mocks.iamMock.on(GetRoleCommand, { RoleName: 'blocked-role' }).rejects(error);

      const snapshot = await mocks.source().load({ functionNames: ['healthy', 'blocked'] });
      expect(snapshot.readErrors).toEqual([
        {
          functionName: 'blocked',
          resource: roleArn('blocked-role'),
          message: expect.stringMatching(pattern),
        },
      ]);
      expect([...snapshot.roles.keys()]).toEqual([roleArn('healthy-role')]);

      const report = auditAccount(snapshot, {
        catalog: await loadActionCatalog(),
        generatedAt: '2026-01-01T00:00:00Z',
      });
      expect(report.functions.map((result) => result.functionName)).toEqual(['healthy']);
      expect(report.errors?.map((e) => e.functionName)).toEqual(['blocked']);
    },
  );

  it('treats a role that does not exist as absent, not as a read error (the audit says role-unavailable)', async () => {
    const mocks = setup();
    mockFunction(mocks, 'orphan', 'deleted-role');
    mocks.iamMock
      .on(GetRoleCommand, { RoleName: 'deleted-role' })
      .rejects(sdkError('NoSuchEntityException', 'The role cannot be found', 404));

    const snapshot = await mocks.source().load({ functionNames: ['orphan'] });
    expect(snapshot.readErrors).toEqual([]);
    expect(snapshot.roles.size).toBe(0);
    const report = auditAccount(snapshot, {
      catalog: await loadActionCatalog(),
      generatedAt: '2026-01-01T00:00:00Z',
    });
    expect(report.functions[0]?.findings.map((finding) => finding.rule)).toContain('role-unavailable');
  });

  it('marks a read of named functions partial unless the caller vouches that role siblings are included', async () => {
    const mocks = setup();
    mockFunction(mocks, 'f', 'r');
    mockRole(mocks, 'r', ['sqs:ReceiveMessage']);
    expect((await mocks.source().load({ functionNames: ['f'] })).partial).toBe(true);
    expect(
      (await mocks.source().load({ functionNames: ['f'], includesRoleSiblings: true })).partial,
    ).toBeUndefined();
  });

  it('keeps an inline policy it could not read, as unreadable, with a read error naming it', async () => {
    const mocks = setup();
    mockFunction(mocks, 'f', 'r');
    mockRole(mocks, 'r', ['sqs:ReceiveMessage']);
    mocks.iamMock
      .on(GetRolePolicyCommand, { RoleName: 'r', PolicyName: 'main' })
      .rejects(sdkError('AccessDenied', 'no', 403));
    const snapshot = await mocks.source().load({ functionNames: ['f'] });
    expect(snapshot.readErrors).toEqual([
      { functionName: 'f', resource: roleArn('r'), message: expect.stringContaining('GetRolePolicy r/main') },
    ]);
    expect(snapshot.roles.get(roleArn('r'))?.RolePolicyList).toEqual([
      { PolicyName: 'main', PolicyDocument: { ok: false, error: expect.stringContaining('not read') } },
    ]);
  });

  it('reports a function it cannot read as a read error, and leaves out one that does not exist', async () => {
    const mocks = setup();
    mocks.lambdaMock
      .on(GetFunctionConfigurationCommand, { FunctionName: 'secret' })
      .rejects(sdkError('AccessDeniedException', 'denied', 403));
    mocks.lambdaMock
      .on(GetFunctionConfigurationCommand, { FunctionName: 'gone' })
      .rejects(sdkError('ResourceNotFoundException', 'Function not found', 404));
    const snapshot = await mocks.source().load({ functionNames: ['secret', 'gone'] });
    expect(snapshot.functions).toEqual([]);
    expect(snapshot.readErrors).toEqual([
      {
        functionName: 'secret',
        resource: 'secret',
        message: expect.stringContaining('AccessDeniedException'),
      },
    ]);
  });
});

describe('live source: whole account', () => {
  function mockEmptyAccount(mocks: Mocks) {
    mocks.iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolves({ RoleDetailList: [], Policies: [], IsTruncated: false });
    mocks.lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [] });
    mocks.lambdaMock.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
    mocks.lambdaMock.on(ListFunctionEventInvokeConfigsCommand).resolves({ FunctionEventInvokeConfigs: [] });
  }

  it('follows Marker/NextMarker across pages of GetAccountAuthorizationDetails, ListFunctions and ListEventSourceMappings', async () => {
    const mocks = setup();
    mockEmptyAccount(mocks);
    const roleDetail = (name: string) => ({
      RoleName: name,
      Arn: roleArn(name),
      AssumeRolePolicyDocument: TRUST,
      RolePolicyList: [],
      AttachedManagedPolicies: [],
    });
    // The paginators reuse one input object, so markers are recorded as each call is made.
    const markers: Record<string, (string | undefined)[]> = { gaad: [], functions: [], mappings: [] };
    const gaadPages = {
      start: { RoleDetailList: [roleDetail('r1')], Policies: [], IsTruncated: true, Marker: 'm1' },
      m1: { RoleDetailList: [roleDetail('r2')], Policies: [], IsTruncated: true, Marker: 'm2' },
      m2: { RoleDetailList: [roleDetail('r3')], Policies: [], IsTruncated: false },
    };
    mocks.iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .callsFake((input: { Marker?: string; Filter?: string[] }) => {
        markers.gaad?.push(input.Marker);
        return gaadPages[(input.Marker ?? 'start') as keyof typeof gaadPages];
      });
    mocks.lambdaMock.on(ListFunctionsCommand).callsFake((input: { Marker?: string }) => {
      markers.functions?.push(input.Marker);
      return input.Marker === 'n1'
        ? { Functions: [fn('f2', 'r2'), fn('f3', 'r3')] }
        : { Functions: [fn('f1', 'r1')], NextMarker: 'n1' };
    });
    const mapping = (uuid: string, name: string) => ({
      UUID: uuid,
      FunctionArn: functionArn(name),
      EventSourceArn: queueArn(name),
      State: 'Enabled',
    });
    mocks.lambdaMock.on(ListEventSourceMappingsCommand).callsFake((input: { Marker?: string }) => {
      markers.mappings?.push(input.Marker);
      return input.Marker === 'e1'
        ? { EventSourceMappings: [mapping('u2', 'f2')] }
        : { EventSourceMappings: [mapping('u1', 'f1')], NextMarker: 'e1' };
    });

    const snapshot = await mocks.source().load({});
    expect([...snapshot.roles.keys()]).toEqual([roleArn('r1'), roleArn('r2'), roleArn('r3')]);
    expect(snapshot.functions.map((f) => f.FunctionName)).toEqual(['f1', 'f2', 'f3']);
    expect(snapshot.eventSourceMappings.map((m) => m.UUID)).toEqual(['u1', 'u2']);
    expect(markers).toEqual({
      gaad: [undefined, 'm1', 'm2'],
      functions: [undefined, 'n1'],
      mappings: [undefined, 'e1'],
    });
    expect(
      mocks.iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)[0]?.args[0].input.Filter,
    ).toEqual(['Role', 'LocalManagedPolicy']);
    // One invoke-config listing per function: Lambda has no account-wide one.
    expect(mocks.lambdaMock.commandCalls(ListFunctionEventInvokeConfigsCommand)).toHaveLength(3);
  });

  it('stops with a clear error when ListFunctions fails mid-pagination after the SDK’s retries', async () => {
    const mocks = setup();
    mockEmptyAccount(mocks);
    mocks.lambdaMock
      .on(ListFunctionsCommand)
      .resolvesOnce({ Functions: [fn('f1', 'r1')], NextMarker: 'n1' })
      .rejectsOnce(sdkError('ServiceException', 'internal error', 500, 8));
    const load = mocks.source().load({});
    await expect(load).rejects.toBeInstanceOf(LiveAccountReadError);
    await expect(load).rejects.toThrow(
      /cannot read the account: ListFunctions .*ServiceException: internal error \(after 8 attempts\)/,
    );
  });

  it('stops with a message naming the permission when the account-wide listing is denied', async () => {
    const mocks = setup();
    mockEmptyAccount(mocks);
    mocks.iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .rejects(sdkError('AccessDenied', 'not authorized', 403));
    await expect(mocks.source().load({})).rejects.toThrow(
      /GetAccountAuthorizationDetails.*AccessDenied.*iam:GetAccountAuthorizationDetails/,
    );
  });

  it('fetches the AWS managed policies the roles attach, once each, and reports one it cannot read', async () => {
    const mocks = setup();
    mockEmptyAccount(mocks);
    const basic = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
    const hidden = 'arn:aws:iam::aws:policy/Hidden';
    const role = (name: string) => ({
      RoleName: name,
      Arn: roleArn(name),
      AssumeRolePolicyDocument: TRUST,
      RolePolicyList: [],
      AttachedManagedPolicies: [
        { PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: basic },
        ...(name === 'r2' ? [{ PolicyName: 'Hidden', PolicyArn: hidden }] : []),
      ],
    });
    mocks.iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolves({ RoleDetailList: [role('r1'), role('r2')], Policies: [], IsTruncated: false });
    mocks.lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [fn('f1', 'r1'), fn('f2', 'r2')] });
    mocks.iamMock.on(GetPolicyCommand, { PolicyArn: basic }).resolves({
      Policy: { Arn: basic, PolicyName: 'AWSLambdaBasicExecutionRole', DefaultVersionId: 'v1' },
    });
    mocks.iamMock.on(GetPolicyVersionCommand, { PolicyArn: basic, VersionId: 'v1' }).resolves({
      PolicyVersion: {
        VersionId: 'v1',
        IsDefaultVersion: true,
        Document: allow(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']),
      },
    });
    mocks.iamMock.on(GetPolicyCommand, { PolicyArn: hidden }).rejects(sdkError('AccessDenied', 'no', 403));

    const snapshot = await mocks.source().load({});
    expect(mocks.iamMock.commandCalls(GetPolicyCommand)).toHaveLength(2);
    expect(snapshot.managedPolicies.get(basic)?.Document.ok).toBe(true);
    expect(snapshot.readErrors).toEqual([
      { resource: hidden, message: expect.stringContaining('AccessDenied') },
    ]);
    const report = auditAccount(snapshot, {
      catalog: await loadActionCatalog(),
      generatedAt: '2026-01-01T00:00:00Z',
    });
    expect(report.functions.map((result) => result.functionName)).toEqual(['f1']);
    expect([...new Set(report.errors?.map((error) => error.functionName))]).toEqual(['f2']);
  });

  it('turns a failed invoke-config listing into a read error for that function only', async () => {
    const mocks = setup();
    mockEmptyAccount(mocks);
    mocks.lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [fn('f1', 'r1'), fn('f2', 'r2')] });
    mocks.lambdaMock
      .on(ListFunctionEventInvokeConfigsCommand, { FunctionName: functionArn('f2') })
      .rejects(sdkError('TooManyRequestsException', 'Rate exceeded', 429, 8));
    const snapshot = await mocks.source().load({});
    expect(snapshot.readErrors).toEqual([
      {
        functionName: 'f2',
        resource: functionArn('f2'),
        message: expect.stringContaining('TooManyRequestsException'),
      },
    ]);
  });

  it('leaves out a function deleted while the account is read (a stack rolling back), without an error', async () => {
    const mocks = setup();
    mockEmptyAccount(mocks);
    mocks.lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [fn('f1', 'r1'), fn('f2', 'r2')] });
    mocks.lambdaMock
      .on(ListFunctionEventInvokeConfigsCommand, { FunctionName: functionArn('f2') })
      .rejects(sdkError('ResourceNotFoundException', 'Function not found', 404));
    const snapshot = await mocks.source().load({});
    expect(snapshot.functions.map((f) => f.FunctionName)).toEqual(['f1']);
    expect(snapshot.readErrors).toEqual([]);
  });

  it('seeds the policy cache from GetAccountAuthorizationDetails, so a later per-function read skips GetPolicyVersion', async () => {
    const mocks = setup();
    mockEmptyAccount(mocks);
    const local = 'arn:aws:iam::123456789012:policy/team';
    const document = allow(['sqs:ReceiveMessage']);
    mocks.iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      RoleDetailList: [],
      Policies: [
        {
          Arn: local,
          PolicyName: 'team',
          DefaultVersionId: 'v2',
          PolicyVersionList: [
            { VersionId: 'v1', IsDefaultVersion: false, Document: allow(['*']) },
            { VersionId: 'v2', IsDefaultVersion: true, Document: document },
          ],
        },
      ],
      IsTruncated: false,
    });
    const cache = new PolicyVersionCache();
    await mocks.source(cache).load({});

    mockFunction(mocks, 'f', 'r');
    mockRole(mocks, 'r', ['logs:PutLogEvents']);
    mocks.iamMock
      .on(ListAttachedRolePoliciesCommand, { RoleName: 'r' })
      .resolves({ AttachedPolicies: [{ PolicyArn: local, PolicyName: 'team' }] });
    mocks.iamMock
      .on(GetPolicyCommand, { PolicyArn: local })
      .resolves({ Policy: { Arn: local, PolicyName: 'team', DefaultVersionId: 'v2' } });
    const snapshot = await mocks.source(cache).load({ functionNames: ['f'] });
    expect(mocks.iamMock.commandCalls(GetPolicyVersionCommand)).toHaveLength(0);
    expect(snapshot.managedPolicies.get(local)?.DefaultVersionId).toBe('v2');
    expect(snapshot.managedPolicies.get(local)?.Document.ok).toBe(true);
  });

  it('reports progress per phase', async () => {
    const mocks = setup();
    mockEmptyAccount(mocks);
    mocks.lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [fn('f1', 'r1'), fn('f2', 'r2')] });
    const phases: string[] = [];
    const source = createLiveSource({
      clients: { iam: mocks.iam, lambda: mocks.lambda },
      onProgress: (progress) => phases.push(`${progress.phase} ${progress.done}/${progress.total ?? '?'}`),
    });
    await source.load({});
    expect(phases).toEqual(
      expect.arrayContaining(['functions 2/?', 'event-invoke-configs 1/2', 'event-invoke-configs 2/2']),
    );
  });
});

describe('live source: function tags (ListTags, one call per function)', () => {
  it('gives each function the tags ListTags returns, on both ways of reading', async () => {
    const mocks = setup();
    mockFunction(mocks, 'f', 'r');
    mockRole(mocks, 'r', ['sqs:ReceiveMessage']);
    mocks.lambdaMock
      .on(ListTagsCommand, { Resource: functionArn('f') })
      .resolves({ Tags: { 'lambda-role-audit:suppress': 'overbroad-resource', team: 'orders' } });
    const named = await mocks.source().load({ functionNames: ['f'] });
    expect(named.functions[0]?.Tags).toEqual([
      { Key: 'lambda-role-audit:suppress', Value: 'overbroad-resource' },
      { Key: 'team', Value: 'orders' },
    ]);
    expect(mocks.lambdaMock.commandCalls(ListTagsCommand)).toHaveLength(1);

    mocks.iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolves({ RoleDetailList: [], Policies: [], IsTruncated: false });
    mocks.lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [fn('f', 'r'), fn('g', 'r')] });
    mocks.lambdaMock.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
    mocks.lambdaMock.on(ListFunctionEventInvokeConfigsCommand).resolves({ FunctionEventInvokeConfigs: [] });
    mocks.lambdaMock.resetHistory();
    const whole = await mocks.source().load({});
    expect(whole.functions.map((f) => [f.FunctionName, f.Tags?.length ?? 0])).toEqual([
      ['f', 2],
      ['g', 0],
    ]);
    expect(mocks.lambdaMock.commandCalls(ListTagsCommand).map((call) => call.args[0].input)).toEqual([
      { Resource: functionArn('f') },
      { Resource: functionArn('g') },
    ]);
  });

  it('makes a function whose tags cannot be read incomplete, and ignores one deleted meanwhile', async () => {
    const mocks = setup();
    for (const name of ['denied', 'gone', 'fine']) mockFunction(mocks, name, 'r');
    mockRole(mocks, 'r', ['sqs:ReceiveMessage']);
    mocks.lambdaMock
      .on(ListTagsCommand, { Resource: functionArn('denied') })
      .rejects(sdkError('AccessDeniedException', 'not authorized to perform: lambda:ListTags', 403));
    mocks.lambdaMock
      .on(ListTagsCommand, { Resource: functionArn('gone') })
      .rejects(sdkError('ResourceNotFoundException', 'Function not found', 404));
    const snapshot = await mocks.source().load({ functionNames: ['denied', 'gone', 'fine'] });
    expect(snapshot.readErrors).toEqual([
      {
        functionName: 'denied',
        resource: functionArn('denied'),
        message: expect.stringContaining("the function's tags could not be read: ListTags"),
      },
    ]);
    const report = auditAccount(snapshot, {
      catalog: await loadActionCatalog(),
      generatedAt: '2026-01-01T00:00:00Z',
    });
    expect(report.errors?.map((e) => e.functionName)).toEqual(['denied']);
    expect(report.functions.map((f) => f.functionName).sort()).toEqual(['fine', 'gone']);
  });
});

describe('live source: one function’s call budget', () => {
  const k = 2;
  const managed = [
    'arn:aws:iam::123456789012:policy/a',
    'arn:aws:iam::123456789012:policy/b',
    'arn:aws:iam::aws:policy/c',
  ];
  const boundary = 'arn:aws:iam::123456789012:policy/boundary';

  let rolePolicyMarkers: (string | undefined)[] = [];

  function mockBudgetAccount(mocks: Mocks, withBoundary: boolean) {
    mockFunction(mocks, 'f', 'r');
    const role: Role = {
      RoleName: 'r',
      Arn: roleArn('r'),
      Path: '/',
      RoleId: 'AROAR',
      CreateDate: new Date(0),
      AssumeRolePolicyDocument: TRUST,
      ...(withBoundary
        ? {
            PermissionsBoundary: {
              PermissionsBoundaryArn: boundary,
              PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
            },
          }
        : {}),
    };
    mocks.iamMock.on(GetRoleCommand, { RoleName: 'r' }).resolves({ Role: role });
    // ListRolePolicies paginates by Marker (moto ignores MaxItems, so only a stub can show it).
    mocks.iamMock.on(ListRolePoliciesCommand).callsFake((input: { Marker?: string }) => {
      rolePolicyMarkers.push(input.Marker);
      return input.Marker === 'p'
        ? { PolicyNames: ['p1'], IsTruncated: false }
        : { PolicyNames: ['p0'], IsTruncated: true, Marker: 'p' };
    });
    mocks.iamMock.on(GetRolePolicyCommand).resolves({ PolicyDocument: allow(['sqs:ReceiveMessage']) });
    mocks.iamMock.on(ListAttachedRolePoliciesCommand).resolves({
      AttachedPolicies: managed.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').at(-1) })),
      IsTruncated: false,
    });
    for (const arn of [...managed, boundary]) {
      mocks.iamMock
        .on(GetPolicyCommand, { PolicyArn: arn })
        .resolves({ Policy: { Arn: arn, PolicyName: arn.split('/').at(-1), DefaultVersionId: 'v3' } });
      mocks.iamMock.on(GetPolicyVersionCommand, { PolicyArn: arn }).resolves({
        PolicyVersion: { VersionId: 'v3', IsDefaultVersion: true, Document: allow(['logs:PutLogEvents']) },
      });
    }
  }

  function calls(mocks: Mocks): number {
    return mocks.iamMock.calls().length + mocks.lambdaMock.calls().length;
  }

  // 6 calls of the reader, and ListTags for the function's tags.
  it.each([
    [false, 7 + k + 2 * managed.length, 7 + k + managed.length],
    [true, 7 + k + 2 * managed.length + 2, 7 + k + managed.length + 1],
  ])(
    'with boundary %s: within 7 + k + 2m calls cold and 7 + k + m warm (+2/+1 for a boundary): 5 reads of the function and its role, ListTags and one mapping listing, ListRolePolicies paging aside',
    async (withBoundary, cold, warm) => {
      const mocks = setup();
      rolePolicyMarkers = [];
      mockBudgetAccount(mocks, withBoundary);
      const cache = new PolicyVersionCache();
      const first = await mocks.source(cache).load({ functionNames: ['f'] });
      expect(first.readErrors).toEqual([]);
      expect(first.roles.get(roleArn('r'))?.RolePolicyList.map((p) => p.PolicyName)).toEqual(['p0', 'p1']);
      // The second ListRolePolicies page is one call more than the budget, which counts one page per list.
      expect(calls(mocks)).toBe(cold + 1);
      expect(rolePolicyMarkers).toEqual([undefined, 'p']);

      mocks.iamMock.resetHistory();
      mocks.lambdaMock.resetHistory();
      mocks.iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['p0', 'p1'], IsTruncated: false });
      await mocks.source(cache).load({ functionNames: ['f'] });
      expect(calls(mocks)).toBe(warm);
      // The default version id is re-read every time; the versioned document is not.
      expect(mocks.iamMock.commandCalls(GetPolicyCommand)).toHaveLength(
        managed.length + (withBoundary ? 1 : 0),
      );
      expect(mocks.iamMock.commandCalls(GetPolicyVersionCommand)).toHaveLength(0);
    },
  );
});

describe('live source: a 5xx in the middle of a pagination, retried by the SDK', () => {
  it('reads every page when the failed page succeeds on a retry', async () => {
    const served: string[] = [];
    let failures = 0;
    const requestHandler = {
      handle: async (request: { path: string; query?: Record<string, string | string[] | null> }) => {
        const marker = typeof request.query?.Marker === 'string' ? request.query.Marker : undefined;
        served.push(`${request.path}${marker ? `?${marker}` : ''}`);
        let status = 200;
        let body: unknown;
        if (request.path.endsWith('/functions/') || request.path.endsWith('/functions')) {
          if (marker === 'n1' && failures === 0) {
            failures += 1;
            status = 503;
            body = { message: 'Service unavailable' };
          } else
            body =
              marker === 'n1'
                ? { Functions: [fn('f2', 'r2')] }
                : { Functions: [fn('f1', 'r1')], NextMarker: 'n1' };
        } else if (request.path.includes('event-source-mappings')) body = { EventSourceMappings: [] };
        else body = { FunctionEventInvokeConfigs: [] };
        return {
          response: {
            statusCode: status,
            headers: {
              'content-type': 'application/json',
              ...(status >= 500 ? { 'x-amzn-errortype': 'ServiceException' } : {}),
            },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        };
      },
    };
    const lambda = new LambdaClient({
      region: REGION,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: requestHandler as never,
      retryMode: 'adaptive',
      maxAttempts: 3,
    });
    const iam = new IAMClient({ region: REGION, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    mockClient(iam)
      .on(GetAccountAuthorizationDetailsCommand)
      .resolves({ RoleDetailList: [], Policies: [], IsTruncated: false });
    const counter = new ApiCallCounter();
    countApiCalls(lambda, counter);

    const snapshot = await createLiveSource({ clients: { iam, lambda }, lambdaRequestsPerSecond: 1000 }).load(
      {},
    );
    expect(snapshot.functions.map((f) => f.FunctionName)).toEqual(['f1', 'f2']);
    expect(snapshot.readErrors).toEqual([]);
    expect(failures).toBe(1);
    expect(counter.byOperation()['Lambda:ListFunctions']).toBe(3);
  });
});

describe('live source: many named functions', () => {
  it('reads their configurations and mappings from the account-wide lists instead of per function', async () => {
    const mocks = setup();
    const names = Array.from({ length: 12 }, (_, i) => `worker-${i}`);
    mockRole(mocks, 'shared', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']);
    mocks.lambdaMock.on(ListFunctionsCommand).resolves({
      Functions: [...names.map((name) => fn(name, 'shared')), fn('unrelated', 'other')],
    });
    mocks.lambdaMock.on(ListEventSourceMappingsCommand).resolves({
      EventSourceMappings: [
        {
          UUID: 'm-0',
          FunctionArn: functionArn('worker-0'),
          EventSourceArn: queueArn('jobs'),
          State: 'Enabled',
        },
        {
          UUID: 'm-x',
          FunctionArn: functionArn('unrelated'),
          EventSourceArn: queueArn('x'),
          State: 'Enabled',
        },
      ],
    });
    mocks.lambdaMock.on(ListFunctionEventInvokeConfigsCommand).resolves({ FunctionEventInvokeConfigs: [] });
    const snapshot = await mocks.source().load({ functionNames: [...names, 'deleted-since'] });

    expect(snapshot.functions.map((f) => f.FunctionName).sort()).toEqual([...names].sort());
    expect(snapshot.eventSourceMappings.map((m) => m.UUID)).toEqual(['m-0']);
    expect(snapshot.readErrors).toEqual([]);
    expect(mocks.lambdaMock.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(0);
    expect(mocks.lambdaMock.commandCalls(ListFunctionsCommand)).toHaveLength(1);
    expect(mocks.lambdaMock.commandCalls(ListEventSourceMappingsCommand)).toHaveLength(1);
    expect(mocks.lambdaMock.commandCalls(ListFunctionEventInvokeConfigsCommand)).toHaveLength(12);
  });
});

describe('live source: read twice', () => {
  it('reads IAM again on a second read of the same source: a role may have changed in between', async () => {
    const mocks = setup();
    mockFunction(mocks, 'f', 'r');
    mockRole(mocks, 'r', ['logs:PutLogEvents']);
    const source = mocks.source();
    await source.load({ functionNames: ['f'] });
    await source.load({ functionNames: ['f'] });
    expect(mocks.iamMock.commandCalls(GetRoleCommand)).toHaveLength(2);
    expect(mocks.iamMock.commandCalls(GetRolePolicyCommand)).toHaveLength(2);
  });
});

describe('live source: several regions', () => {
  it('asks a region only for the functions its ARNs name there, and nothing for an ARN of a region not read', async () => {
    expect(
      Object.fromEntries(
        functionNamesByRegion(
          [
            'plain',
            functionArn('east'),
            'arn:aws:lambda:eu-west-1:123456789012:function:west',
            'arn:aws:lambda:ap-south-1:1:function:x',
          ],
          ['us-east-1', 'eu-west-1'],
        ),
      ),
    ).toEqual({
      'us-east-1': ['plain', functionArn('east')],
      'eu-west-1': ['plain', 'arn:aws:lambda:eu-west-1:123456789012:function:west'],
    });
    const mocks = setup();
    const source = createMultiRegionLiveSource({
      clientsByRegion: new Map([['us-east-1', { iam: mocks.iam, lambda: mocks.lambda }]]),
    });
    const snapshot = await source.load({ functionNames: ['arn:aws:lambda:ap-south-1:1:function:x'] });
    expect(snapshot.functions).toEqual([]);
    expect(snapshot.partial).toBe(true);
    expect(mocks.lambdaMock.calls()).toHaveLength(0);
    expect(mocks.iamMock.calls()).toHaveLength(0);
  });
});
