/**
 * A big account in moto for the fan-out (issue 10): `functions` functions on roles shared by
 * `functionsPerRole` each, every role attaching one customer managed "baseline" policy (the organisation
 * pattern the issue names). Version v1 of the baseline grants the functions' logs; `breakBaseline` makes a
 * v2 that does not the default, the change whose event the test and the bench deliver.
 *
 * Created once per test file (it takes a while: every call goes through moto), with retries because moto
 * answers 500 now and then under concurrent requests (moto-notes, "Found 2026-12-02"). Roles stay under
 * 100 per policy: moto's ListEntitiesForPolicy sees only the first 100 (same notes); `rolesAttaching`
 * lets the caller check that every role is listed.
 */
import { randomUUID } from 'node:crypto';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  type IAMClient,
  paginateListEntitiesForPolicy,
} from '@aws-sdk/client-iam';
import { CreateFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { mapWithConcurrency } from '../../shared/adapters/aws/live-account-reader.js';
import { tinyZip } from './moto-account.js';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

const baseline = (withLogs: boolean) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      ...(withLogs
        ? [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: 'arn:aws:logs:*:*:log-group:/aws/lambda/*:*',
            },
          ]
        : []),
      { Effect: 'Allow', Action: 'xray:PutTraceSegments', Resource: '*' },
    ],
  });

export interface BigAccount {
  readonly policyArn: string;
  readonly roleNames: readonly string[];
  readonly functionArns: readonly string[];
}

async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (attempt >= 4 || (status !== undefined && status < 500)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}

export async function createBigAccount(
  clients: { iam: IAMClient; lambda: LambdaClient },
  options: { readonly functions: number; readonly functionsPerRole: number; readonly prefix: string },
): Promise<BigAccount> {
  const policy = await clients.iam.send(
    new CreatePolicyCommand({ PolicyName: `${options.prefix}-baseline`, PolicyDocument: baseline(true) }),
  );
  const policyArn = policy.Policy?.Arn ?? '';
  const roles = Math.ceil(options.functions / options.functionsPerRole);
  const roleArns = await mapWithConcurrency(
    Array.from({ length: roles }, (_, i) => `${options.prefix}-role-${i}`),
    4,
    async (roleName) => {
      const role = await retried(() =>
        clients.iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: TRUST })),
      );
      await retried(() =>
        clients.iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn })),
      );
      return role.Role?.Arn ?? '';
    },
  );
  const zip = tinyZip();
  const functionArns = await mapWithConcurrency(
    Array.from({ length: options.functions }, (_, i) => i),
    6,
    async (i) => {
      const fn = await retried(() =>
        clients.lambda.send(
          new CreateFunctionCommand({
            FunctionName: `${options.prefix}-fn-${i}`,
            Runtime: 'nodejs20.x',
            Role: roleArns[Math.floor(i / options.functionsPerRole)],
            Handler: 'index.handler',
            Code: { ZipFile: zip },
          }),
        ),
      );
      return fn.FunctionArn ?? '';
    },
  );
  return {
    policyArn,
    roleNames: Array.from({ length: roles }, (_, i) => `${options.prefix}-role-${i}`),
    functionArns,
  };
}

/** Makes a baseline version without the logs grant the default: every function loses its logs. */
export async function breakBaseline(iam: IAMClient, policyArn: string): Promise<string> {
  const version = await iam.send(
    new CreatePolicyVersionCommand({
      PolicyArn: policyArn,
      PolicyDocument: baseline(false),
      SetAsDefault: true,
    }),
  );
  return version.PolicyVersion?.VersionId ?? '';
}

/** The roles moto lists as attaching the policy (to check that the account stays under moto's limit). */
export async function rolesAttaching(iam: IAMClient, policyArn: string): Promise<string[]> {
  const roles: string[] = [];
  for await (const page of paginateListEntitiesForPolicy(
    { client: iam },
    { PolicyArn: policyArn, EntityFilter: 'Role' },
  ))
    for (const role of page.PolicyRoles ?? []) if (role.RoleName) roles.push(role.RoleName);
  return roles;
}

/** The CloudTrail event of that change (the fixture's shape, this policy and version, a fresh event id). */
export function createPolicyVersionEvent(fixture: string, policyArn: string, versionId: string): string {
  const event = JSON.parse(fixture) as {
    detail: {
      eventID: string;
      requestParameters: { policyArn: string };
      responseElements: { policyVersion: { versionId: string } };
    };
  };
  event.detail.eventID = randomUUID();
  event.detail.requestParameters.policyArn = policyArn;
  event.detail.responseElements.policyVersion.versionId = versionId;
  return JSON.stringify(event);
}
