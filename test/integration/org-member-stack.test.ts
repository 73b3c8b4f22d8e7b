/**
 * An organization deployment's member template creates a working member stack in an account that never
 * ran `cdk bootstrap`: moto's CloudFormation (a fresh account, no bootstrap bucket, no bootstrap version
 * parameter) creates the home member template, its functions' code read from the organization's asset
 * bucket `<prefix>-<region>` under the keys the synthesizer listed, and nothing else.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { OrgAssetManifest } from '../../infra/org/org-asset-synthesizer.js';
import { buildApp } from '../infra/support/synth.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { tinyZip } from '../support/moto-account.js';

// us-east-1: there the home stack has no forwarded-events bus. moto 5.2.1's CloudFormation fails a rule on a
// custom bus given by reference (AttributeError 'EventBus' object has no attribute 'split'); the offline
// test (test/infra/org-deployment.test.ts) checks the other regions' templates resolve without the deployer.
const REGION = 'us-east-1';
const PREFIX = 'lra-org-assets';

let server: MotoServer;

beforeAll(async () => {
  server = await startMotoServer(REGION);
  // The functions moto's CloudFormation creates live in the store of its default Lambda mode (nothing is invoked).
  await fetch(`${server.endpoint}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lambda: { use_docker: true } }),
  });
});

afterAll(async () => {
  await server?.stop();
});

/** S3 through its REST API (moto accepts unsigned requests): the project has no S3 client dependency. */
async function s3(method: 'PUT', path: string, body?: Uint8Array | string): Promise<void> {
  const response = await fetch(`${server.endpoint}/${path}`, {
    method,
    ...(body !== undefined ? { body } : {}),
  });
  if (!response.ok) throw new Error(`S3 ${method} ${path}: ${response.status} ${await response.text()}`);
}

describe('organization deployment, a member account', () => {
  it('creates the home member stack from the organization bucket, without bootstrap', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'lra-org-'));
    const { app, home } = buildApp(
      {
        region: REGION,
        account: '111122223333',
        organization: {
          bucketPrefix: PREFIX,
          organizationId: 'o-a1b2c3d4e5',
          targets: ['ou-ab12-cdef3456'],
          centralAlerts: false,
        },
      },
      outdir,
    );
    app.synth();
    const manifest = JSON.parse(
      readFileSync(join(outdir, `${home.artifactId}.org-assets.json`), 'utf8'),
    ) as OrgAssetManifest;
    expect(manifest.assets.length).toBe(2);

    // The organization's bucket in the member's region, with the bundles under the listed keys.
    const bucket = `${PREFIX}-${REGION}`;
    await s3('PUT', bucket);
    for (const asset of manifest.assets) await s3('PUT', `${bucket}/${asset.objectKey}`, tinyZip());

    const template = readFileSync(join(outdir, manifest.template), 'utf8');
    const cloudformation = new CloudFormationClient(server.clientConfig);
    await cloudformation.send(
      new CreateStackCommand({
        StackName: 'member',
        TemplateBody: template,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const described = await cloudformation.send(new DescribeStacksCommand({ StackName: 'member' }));
    expect(described.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');

    const resources = await cloudformation.send(new ListStackResourcesCommand({ StackName: 'member' }));
    const functions = (resources.StackResourceSummaries ?? []).filter(
      (r) => r.ResourceType === 'AWS::Lambda::Function',
    );
    expect(functions).toHaveLength(2);
    const lambda = new LambdaClient(server.clientConfig);
    for (const fn of functions) {
      const configuration = await lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: fn.PhysicalResourceId }),
      );
      expect(configuration.Runtime).toBe('nodejs22.x');
      // The member's own account, resolved by CloudFormation there; never the deploying account.
      expect(configuration.Environment?.Variables?.ACCOUNT_ID).toBe('123456789012');
    }
    // The bundles come from the organization bucket: the same template naming a bucket nobody filled fails.
    const elsewhere = template.replaceAll(`${PREFIX}-`, 'lra-unpublished-');
    expect(elsewhere).not.toBe(template);
    await expect(
      cloudformation.send(
        new CreateStackCommand({
          StackName: 'member2',
          TemplateBody: elsewhere,
          Capabilities: ['CAPABILITY_IAM'],
        }),
      ),
    ).rejects.toThrow();
    lambda.destroy();
    cloudformation.destroy();
  });
});
