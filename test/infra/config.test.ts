/**
 * Deploy-time configuration: CDK context validated once, with errors that name the key, the value seen
 * and what was expected.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { parseDeployConfig } from '../../infra/config.js';
import { DeployConfigError } from '../../shared/domain/errors.js';
import { DEFAULT_TAG_SUPPRESSION } from '../../shared/domain/suppressions.js';
import { buildApp } from './support/synth.js';

/** tsx's CLI, run with this node: the app as `npx tsx infra/app.ts` runs it, without npx's start-up. */
const TSX = join(process.cwd(), 'node_modules/tsx/dist/cli.mjs');

const where = { env: { CDK_DEFAULT_REGION: 'eu-west-1' }, cwd: process.cwd() };

describe('deploy configuration', () => {
  it('defaults to a daily sweep, low severity, no email, no extra region', async () => {
    await expect(parseDeployConfig({}, where)).resolves.toEqual({
      stackName: 'LambdaRoleAudit',
      region: 'eu-west-1',
      alertEmails: [],
      schedule: 'rate(1 day)',
      minSeverity: 'low',
      suppressions: [],
      tagSuppression: DEFAULT_TAG_SUPPRESSION,
      extraRegions: [],
    });
  });

  it('reads the severity of findings only AWS’s recommended managed policies cause', async () => {
    await expect(parseDeployConfig({ awsManagedBaselineSeverity: 'low' }, where)).resolves.toMatchObject({
      awsManagedBaselineSeverity: 'low',
    });
    await expect(parseDeployConfig({ awsManagedBaselineSeverity: 'medium' }, where)).rejects.toThrow(
      '-c awsManagedBaselineSeverity',
    );
  });

  it('reads what the suppress tag may suppress, and names a bad value', async () => {
    await expect(
      parseDeployConfig({ tagSuppressMaxSeverity: 'low', tagSuppressRules: 'overbroad-resource' }, where),
    ).resolves.toMatchObject({ tagSuppression: { maxSeverity: 'low', rules: ['overbroad-resource'] } });
    await expect(
      parseDeployConfig({ tagSuppressRules: ['trust-policy-too-broad', 'wildcard-action'] }, where),
    ).resolves.toMatchObject({ tagSuppression: { rules: ['wildcard-action', 'trust-policy-too-broad'] } });
    await expect(parseDeployConfig({ tagSuppressMaxSeverity: 'urgent' }, where)).rejects.toThrow(
      /-c tagSuppressMaxSeverity: "urgent" is not one of none, critical, high, medium, low, info/,
    );
    await expect(parseDeployConfig({ tagSuppressRules: 'all,typo' }, where)).rejects.toThrow(
      /-c tagSuppressRules: "all", "typo" is not a rule/,
    );
  });

  it('reads comma lists from the command line and arrays from cdk.json', async () => {
    const fromCli = await parseDeployConfig(
      { alertEmails: 'a@example.com, b@example.com,a@example.com', extraRegions: 'us-west-2,eu-west-1' },
      where,
    );
    expect(fromCli.alertEmails).toEqual(['a@example.com', 'b@example.com']);
    // The home region is not an extra region.
    expect(fromCli.extraRegions).toEqual(['us-west-2']);
    const fromJson = await parseDeployConfig({ alertEmails: ['a@example.com'], trail: false }, where);
    expect(fromJson).toMatchObject({ alertEmails: ['a@example.com'], trail: false });
  });

  it('takes the region from -c region before the AWS profile, and the account when given', async () => {
    await expect(
      parseDeployConfig(
        { region: 'ap-southeast-2' },
        { ...where, env: { ...where.env, CDK_DEFAULT_ACCOUNT: '111122223333' } },
      ),
    ).resolves.toMatchObject({ region: 'ap-southeast-2', account: '111122223333' });
  });

  it('reads the alert options: webhook hosts, the Chatbot topic, the big-change threshold', async () => {
    await expect(
      parseDeployConfig(
        {
          slackWebhookAllowedHosts: 'hooks.example.org,hooks.example.org',
          chatbotTopic: 'true',
          bigChangeThreshold: '25',
          lambdaRequestsPerSecond: '12',
        },
        where,
      ),
    ).resolves.toMatchObject({
      slackWebhookAllowedHosts: ['hooks.example.org'],
      chatbotTopic: true,
      bigChangeThreshold: 25,
      lambdaRequestsPerSecond: 12,
    });
  });

  it.each([
    [
      { slackWebhookAllowedHosts: 'https://evil.example/x' },
      /-c slackWebhookAllowedHosts: a host name in lower case/,
    ],
    [{ bigChangeThreshold: '0' }, /-c bigChangeThreshold: at least 1/],
    [{ bigChangeThreshold: 'ten' }, /-c bigChangeThreshold: a whole number of functions/],
    [{ lambdaRequestsPerSecond: '20' }, /-c lambdaRequestsPerSecond: at most 15/],
    [{ lambdaRequestsPerSecond: '1' }, /-c lambdaRequestsPerSecond: at least 2/],
    [
      { alertEmails: 'oncall@example.com,not-an-email' },
      /-c alertEmails: an email address \(got "not-an-email"\)/,
    ],
    [{ extraRegions: 'us-west-2,Mars' }, /-c extraRegions: an AWS region such as eu-west-1 \(got "Mars"\)/],
    [{ schedule: 'every day' }, /-c schedule: an EventBridge Scheduler expression .* \(got "every day"\)/],
    [{ minSeverity: 'urgent' }, /-c minSeverity: .*\(got "urgent"\)/],
    [
      { slackWebhookSecretArn: 'slack-webhook' },
      /-c slackWebhookSecretArn: the full ARN of a Secrets Manager secret/,
    ],
    [{ trail: 'maybe' }, /-c trail: .*\(got "maybe"\)/],
  ])('rejects %j with a message naming the key and the value', async (context, message) => {
    const attempt = parseDeployConfig(context, where);
    await expect(attempt).rejects.toThrow(DeployConfigError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('asks for a region when none is configured', async () => {
    await expect(parseDeployConfig({}, { env: {}, cwd: process.cwd() })).rejects.toThrow(/-c region=/);
  });

  it('takes the Slack webhook from a secret or a parameter, not both', async () => {
    await expect(
      parseDeployConfig(
        {
          slackWebhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf',
          slackWebhookParameterName: '/slack',
        },
        where,
      ),
    ).rejects.toThrow(/one of the two/);
  });

  it('reads a suppressions file in YAML, relative to the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lra-config-'));
    writeFileSync(
      join(dir, 'suppressions.yaml'),
      '- rule: overbroad-resource\n  function: legacy-importer\n  reason: queue names are generated\n',
    );
    const config = await parseDeployConfig({ suppressionsFile: 'suppressions.yaml' }, { ...where, cwd: dir });
    expect(config.suppressions).toEqual([
      expect.objectContaining({
        rule: 'overbroad-resource',
        function: 'legacy-importer',
        reason: 'queue names are generated',
      }),
    ]);
  });

  it('names the suppressions file when it cannot be used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lra-config-'));
    writeFileSync(join(dir, 'bad.yaml'), '- rule: no-such-rule\n  reason: x\n');
    await expect(parseDeployConfig({ suppressionsFile: 'bad.yaml' }, { ...where, cwd: dir })).rejects.toThrow(
      /-c suppressionsFile: .*bad\.yaml/,
    );
    await expect(
      parseDeployConfig({ suppressionsFile: 'missing.yaml' }, { ...where, cwd: dir }),
    ).rejects.toThrow(/-c suppressionsFile: .*missing\.yaml/);
  });

  it('warns at synth when told the account has no CloudTrail trail', () => {
    const warned = Annotations.fromStack(buildApp({ trail: false }).home);
    warned.hasWarning('*', Match.stringLikeRegexp('only while a trail is logging'));
    const quiet = Annotations.fromStack(buildApp({ trail: true }).home);
    quiet.hasNoWarning('*', Match.stringLikeRegexp('trail'));
  });

  it('warns at synth when nobody would read the alerts', () => {
    Annotations.fromStack(buildApp({ alertEmails: [] }).home).hasWarning(
      '*',
      Match.stringLikeRegexp('nobody is subscribed'),
    );
    Annotations.fromStack(buildApp().home).hasNoWarning('*', Match.stringLikeRegexp('nobody is subscribed'));
  });

  it('stops the CDK app with the message before anything is synthesized', () => {
    const run = spawnSync(process.execPath, [TSX, 'infra/app.ts'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ region: 'eu-west-1', alertEmails: 'nobody' }),
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'lra-app-')),
      },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('-c alertEmails: an email address (got "nobody")');
  });

  it('refuses to synthesize without the handler bundles, and says how to build them', () => {
    const emptyProject = mkdtempSync(join(tmpdir(), 'lra-no-dist-'));
    const run = spawnSync(process.execPath, [TSX, join(process.cwd(), 'infra/app.ts')], {
      cwd: emptyProject,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ region: 'eu-west-1' }),
        CDK_OUTDIR: join(emptyProject, 'out'),
      },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('dist/functions/change-handler/index.mjs');
    expect(run.stderr).toContain('npm run build');
  });
});
