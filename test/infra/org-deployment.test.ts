/**
 * The organization deployment, offline: the member templates name nothing of the deploying account (no
 * bootstrap bucket or version, no account literal; bundles from `<prefix>-${AWS::Region}`), the StackSets
 * are service-managed and auto-deploying, the asset bucket and the central topic admit the organization
 * only, and every template passes cdk-nag and cfn-lint.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { addNagChecks } from '../../infra/auditor-app.js';
import { parseDeployConfig } from '../../infra/config.js';
import { buildApp } from './support/synth.js';

const DEPLOYER = '111122223333';
const CENTRAL_TOPIC = 'arn:aws:sns:eu-west-1:999988887777:central-alerts';
const CENTRAL_KEY = 'arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const org = {
  region: 'eu-west-1',
  account: DEPLOYER,
  extraRegions: ['us-west-2'],
  securityHub: true,
  organization: {
    bucketPrefix: 'lra-assets',
    organizationId: 'o-a1b2c3d4e5',
    targets: ['ou-ab12-cdef3456', 'ou-ab12-99998888'],
    centralAlerts: true,
  },
  centralAlertTopicArn: CENTRAL_TOPIC,
  centralAlertKeyArn: CENTRAL_KEY,
};

describe('organization deployment', () => {
  const built = buildApp(org);
  const members = [built.home, ...built.forwarders];

  it('synthesizes member templates that need nothing of the deploying account', () => {
    for (const stack of members) {
      const json = Template.fromStack(stack).toJSON() as Record<string, unknown>;
      const text = JSON.stringify(json);
      expect({ stack: stack.stackName, parameters: json.Parameters, rules: json.Rules }).toEqual({
        stack: stack.stackName,
        parameters: undefined,
        rules: undefined,
      });
      expect(text).not.toContain('cdk-hnb659fds');
      expect(text).not.toContain('BootstrapVersion');
      expect(text).not.toContain(DEPLOYER);
    }
    const functions = Template.fromStack(built.home).findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(2);
    for (const fn of Object.values(functions) as { Properties: { Code: Record<string, unknown> } }[]) {
      expect(fn.Properties.Code.S3Bucket).toEqual({
        'Fn::Join': ['', ['lra-assets-', { Ref: 'AWS::Region' }]],
      });
      expect(fn.Properties.Code.S3Key).toMatch(/^lambda-role-audit\/assets\/[0-9a-f]{64}\.zip$/);
    }
  });

  it('deploys every member template with a service-managed, auto-deploying StackSet, the home one first', () => {
    const t = Template.fromStack(built.org?.stackSets ?? built.home);
    const sets = t.findResources('AWS::CloudFormation::StackSet') as Record<
      string,
      { Properties: Record<string, unknown>; DependsOn?: string[] }
    >;
    const entries = Object.entries(sets);
    expect(entries.map(([, s]) => s.Properties.StackSetName).sort()).toEqual(
      [built.home, ...built.forwarders].map((s) => s.stackName).sort(),
    );
    for (const [id, set] of entries) {
      expect(set.Properties.PermissionModel).toBe('SERVICE_MANAGED');
      expect(set.Properties.AutoDeployment).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: false });
      expect(set.Properties.StackInstancesGroup).toEqual([
        {
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456', 'ou-ab12-99998888'] },
          Regions: expect.any(Array),
        },
      ]);
      expect(JSON.stringify(set.Properties.TemplateURL)).toContain(
        'https://lra-assets-eu-west-1.s3.eu-west-1.',
      );
      if (id !== 'StackSetHome') expect(set.DependsOn).toEqual(['StackSetHome']);
    }
    t.hasParameter('CallAs', { AllowedValues: ['SELF', 'DELEGATED_ADMIN'], Default: 'SELF' });
    t.hasOutput('StackSetNames', {});
  });

  it('lets only the organization read the assets and publish to the central topic', () => {
    const orgCondition = { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } };
    const assets = Template.fromStack(built.org?.assets ?? built.home);
    assets.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'lra-assets-eu-west-1' });
    const bucketPolicy = JSON.stringify(assets.findResources('AWS::S3::BucketPolicy'));
    expect(bucketPolicy).toContain('"Sid":"OrganizationReadsTemplatesAndBundles"');
    expect(bucketPolicy).toContain(JSON.stringify(orgCondition));
    const central = Template.fromStack(built.org?.centralAlerts ?? built.home);
    const policies = JSON.stringify(central.findResources('AWS::SNS::TopicPolicy'));
    expect(policies).toContain('"Sid":"OrganizationPublishes"');
    expect(policies).toContain('"aws:PrincipalOrgID":"o-a1b2c3d4e5"');
    const key = JSON.stringify(central.findResources('AWS::KMS::Key'));
    expect(key).toContain('"aws:PrincipalOrgID":"o-a1b2c3d4e5"');
    expect(key).toContain('kms:ViaService');
    central.hasOutput('CentralAlertTopicArn', {});
    central.hasOutput('CentralAlertKeyArn', {});
  });

  it('lets members publish to the central topic, with its key, and nothing more of the security account', () => {
    const roles = Template.fromStack(built.home).findResources('AWS::IAM::Role') as Record<
      string,
      {
        Properties: {
          Policies?: {
            PolicyDocument: { Statement: { Sid?: string; Action: unknown; Resource: unknown }[] };
          }[];
        };
      }
    >;
    const statements = Object.values(roles).flatMap((r) =>
      (r.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement),
    );
    const bySid = (sid: string) =>
      statements.filter((st) => st.Sid === sid).map((st) => [st.Action, st.Resource]);
    expect(bySid('PublishCentralAlerts')).toEqual([
      ['sns:Publish', CENTRAL_TOPIC],
      ['sns:Publish', CENTRAL_TOPIC],
    ]);
    expect(bySid('UseCentralAlertKey')).toEqual([
      [['kms:GenerateDataKey', 'kms:Decrypt'], CENTRAL_KEY],
      [['kms:GenerateDataKey', 'kms:Decrypt'], CENTRAL_KEY],
    ]);
    expect(JSON.stringify(roles).match(/999988887777/g)?.length).toBe(4);
    const env = JSON.stringify(Template.fromStack(built.home).findResources('AWS::Lambda::Function'));
    expect(env).toContain(`"CENTRAL_ALERT_TOPIC_ARN":"${CENTRAL_TOPIC}"`);
  });

  it('passes cdk-nag on every stack of the deployment', () => {
    for (const stack of [...members, built.org?.assets, built.org?.stackSets, built.org?.centralAlerts]) {
      if (stack === undefined) throw new Error('an organization stack is missing');
      for (const pack of [new AwsSolutionsChecks(stack.node.root), new ServerlessChecks(stack.node.root)]) {
        expect({ stack: stack.stackName, violations: pack.validateScope(stack).violations }).toEqual({
          stack: stack.stackName,
          violations: [],
        });
      }
    }
  });

  it('passes cfn-lint, and lists the assets to publish beside each member template', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'lra-org-out-'));
    const { app, home } = buildApp(org, outdir);
    addNagChecks(app);
    app.synth();
    const templates = readdirSync(outdir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => join(outdir, f));
    expect(templates).toHaveLength(6);
    const lint = spawnSync('cfn-lint', ['--', ...templates], { encoding: 'utf8' });
    expect({ status: lint.status, output: `${lint.stdout}${lint.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
    const manifest = JSON.parse(readFileSync(join(outdir, `${home.artifactId}.org-assets.json`), 'utf8')) as {
      assets: { source: string; objectKey: string }[];
    };
    expect(manifest.assets).toHaveLength(2);
    for (const asset of manifest.assets)
      expect(readdirSync(join(outdir, asset.source))).toContain('index.mjs');
  });

  it('refuses a half-configured organization deployment, naming what is missing', async () => {
    const where = { env: {}, cwd: process.cwd() };
    await expect(
      parseDeployConfig({ region: 'eu-west-1', orgAssetBucketPrefix: 'lra-assets' }, where),
    ).rejects.toThrow(/needs all of -c orgAssetBucketPrefix, -c organizationId and -c orgTargets/);
    await expect(
      parseDeployConfig({ region: 'eu-west-1', centralAlertTopicArn: CENTRAL_TOPIC }, where),
    ).rejects.toThrow(/go together/);
    await expect(
      parseDeployConfig(
        {
          region: 'eu-west-1',
          organizationId: 'o-a1b2c3d4e5',
          orgAssetBucketPrefix: 'x1',
          orgTargets: 'ou-nope',
        },
        where,
      ),
    ).rejects.toThrow(/-c orgTargets: an OU id/);
    const ok = await parseDeployConfig(
      {
        region: 'eu-west-1',
        organizationId: 'o-a1b2c3d4e5',
        orgAssetBucketPrefix: 'lra-assets',
        orgTargets: 'r-ab12',
      },
      where,
    );
    expect(ok.organization).toEqual({
      bucketPrefix: 'lra-assets',
      organizationId: 'o-a1b2c3d4e5',
      targets: ['r-ab12'],
      centralAlerts: false,
    });
  });
});
