/**
 * A template audited before deployment gives the findings its deployment gives: the stacks of
 * test/fixtures/templates/deploy are created in moto through CloudFormation (which resolves their
 * intrinsics itself), what moto's CloudFormation drops is applied through the SDK (moto-notes: managed
 * policy attachments, permissions boundaries, event invoke configs), the account is exported with the
 * project's `export`, and `audit --template` and `audit --from` must give the same findings.
 * Found here and left out of the fixtures: moto's CloudFormation drops a function's TracingConfig too, and
 * UpdateFunctionConfiguration on a function it created answers HTTP 500; DeadLetterConfig is never stored.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { AttachRolePolicyCommand, IAMClient, PutRolePermissionsBoundaryCommand } from '@aws-sdk/client-iam';
import { LambdaClient, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { createAwsClients } from '../../shared/adapters/aws/clients.js';
import { writeExport } from '../../shared/adapters/aws/export-writer.js';
import { createLiveSource } from '../../shared/adapters/aws/live-source.js';
import { PolicyVersionCache } from '../../shared/adapters/aws/policy-version-cache.js';
import {
  isObject,
  parseTemplate,
  type TemplateObject,
} from '../../shared/adapters/template/parse-template.js';
import type { Report } from '../../shared/domain/report.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { MOTO_ACCOUNT, patchMotoInvokeConfigTimestamps } from '../support/moto-account.js';
import { projectRoot, runCli } from '../support/run-cli.js';
import { findingKeys } from './live-comparison.js';

const folder = join(projectRoot, 'test/fixtures/templates/deploy');
const templates = readdirSync(folder)
  .filter((name) => name.endsWith('.yaml'))
  .sort();
const REGION = 'us-east-1';

/** A pseudo-parameter substitution as the fixtures write the properties moto drops. */
function pseudo(value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : isObject(value) && typeof value['Fn::Sub'] === 'string'
        ? value['Fn::Sub']
        : '';
  if (text === '')
    throw new Error(
      `the deploy fixtures write dropped properties as literals or pseudo-parameter !Sub, got ${JSON.stringify(value)}`,
    );
  return text
    .replaceAll('${AWS::Partition}', 'aws')
    .replaceAll('${AWS::Region}', REGION)
    .replaceAll('${AWS::AccountId}', MOTO_ACCOUNT);
}

/** Applies through the SDK what moto's CloudFormation silently skips (moto-notes.md, CloudFormation). */
async function applyDropped(server: MotoServer, body: TemplateObject): Promise<number> {
  const iam = new IAMClient(server.clientConfig);
  const lambda = new LambdaClient(server.clientConfig);
  let applied = 0;
  for (const resource of Object.values(isObject(body.Resources) ? body.Resources : {})) {
    if (!isObject(resource) || !isObject(resource.Properties)) continue;
    const properties = resource.Properties;
    if (resource.Type === 'AWS::IAM::Role') {
      const RoleName = pseudo(properties.RoleName);
      for (const arn of Array.isArray(properties.ManagedPolicyArns) ? properties.ManagedPolicyArns : []) {
        await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: pseudo(arn) }));
        applied++;
      }
      if (properties.PermissionsBoundary !== undefined) {
        await iam.send(
          new PutRolePermissionsBoundaryCommand({
            RoleName,
            PermissionsBoundary: pseudo(properties.PermissionsBoundary),
          }),
        );
        applied++;
      }
    }
    if (resource.Type === 'AWS::Lambda::EventInvokeConfig') {
      const destinations = isObject(properties.DestinationConfig) ? properties.DestinationConfig : {};
      const destination = (key: string) =>
        isObject(destinations[key])
          ? { Destination: pseudo((destinations[key] as TemplateObject).Destination) }
          : undefined;
      await lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: pseudo(properties.FunctionName),
          Qualifier: pseudo(properties.Qualifier),
          DestinationConfig: { OnSuccess: destination('OnSuccess'), OnFailure: destination('OnFailure') },
        }),
      );
      applied++;
    }
  }
  return applied;
}

/** DynamoDB stream labels are chosen at deployment: compare streams by table. */
function withoutStreamLabels(keys: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(keys).map(([name, list]) => [
      name,
      list.map((key) => key.replace(/(:table\/[^/\s]+\/stream\/)\S+/g, '$1*')),
    ]),
  );
}

describe.each(templates)('the template %s, deployed', (name) => {
  let server: MotoServer;
  let exportDir: string;
  let templateReport: Report;
  let exportReport: Report;
  let applied: number;

  beforeAll(async () => {
    server = await startMotoServer(REGION);
    // Functions that moto's CloudFormation creates live in the store of its default Lambda mode; the
    // Lambda API reads the same store only in that mode. Nothing here is invoked, so Docker is never used.
    await fetch(`${server.endpoint}/moto-api/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lambda: { use_docker: true } }),
    });
    const file = join(folder, name);
    const text = readFileSync(file, 'utf8');
    const cloudformation = new CloudFormationClient(server.clientConfig);
    await cloudformation.send(
      new CreateStackCommand({
        StackName: name.replace(/\.yaml$/, ''),
        TemplateBody: text,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    const described = await cloudformation.send(
      new DescribeStacksCommand({ StackName: name.replace(/\.yaml$/, '') }),
    );
    expect(described.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    applied = await applyDropped(server, parseTemplate(file, text).body);

    exportDir = await mkdtemp(join(tmpdir(), 'lra-deployed-'));
    // The project's export, in-process so that moto's one wire-format slip (invoke config timestamps) can
    // be patched as the live tests do; the export folder is then audited by the built CLI.
    const clients = createAwsClients({ ...server.clientConfig });
    patchMotoInvokeConfigTimestamps(clients.lambda);
    const source = createLiveSource({
      clients,
      lambdaRequestsPerSecond: 200,
      policyCache: new PolicyVersionCache(),
    });
    const data = await source.read({});
    await writeExport(data, exportDir);
    for (const client of Object.values(clients)) client.destroy();
    const fromExport = await runCli(['audit', '--from', exportDir, '--format', 'json', '--fail-on', 'none']);
    const fromTemplate = await runCli([
      'audit',
      '--template',
      file,
      '--region',
      REGION,
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);
    expect([fromExport.status, fromTemplate.status]).toEqual([0, 0]);
    exportReport = JSON.parse(fromExport.stdout) as Report;
    templateReport = JSON.parse(fromTemplate.stdout) as Report;
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (exportDir) await rm(exportDir, { recursive: true, force: true });
  });

  it('was deployed with what moto’s CloudFormation drops applied through the SDK', () => {
    expect(applied).toBeGreaterThan(0);
    expect(exportReport.errors).toEqual([]);
    expect(exportReport.source.kind).toBe('export');
    expect(templateReport.errors).toEqual([]);
  });

  it('audits the same functions, with findings to compare', () => {
    expect(templateReport.functions.map((fn) => [fn.functionName, fn.functionArn, fn.roleArn])).toEqual(
      exportReport.functions.map((fn) => [fn.functionName, fn.functionArn, fn.roleArn]),
    );
    expect(templateReport.functions.flatMap((fn) => fn.findings).length).toBeGreaterThan(0);
  });

  it('gives the same findings before and after deployment', () => {
    expect(withoutStreamLabels(findingKeys(templateReport))).toEqual(
      withoutStreamLabels(findingKeys(exportReport)),
    );
  });

  it('gives them the same severities and counts', () => {
    expect(templateReport.summary).toEqual(exportReport.summary);
  });
});
