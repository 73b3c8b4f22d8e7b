/**
 * The static checks the stacks must pass: cdk-nag's AwsSolutions and Serverless packs (nothing reported
 * except findings acknowledged with a written reason) and cfn-lint on every synthesized template.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { addNagChecks } from '../../infra/auditor-app.js';
import type { DeployConfig } from '../../infra/config.js';
import { buildApp } from './support/synth.js';

const configurations: [string, Partial<DeployConfig>][] = [
  ['the default deployment', {}],
  [
    'a deployment with Slack, extra regions and a no-trail warning',
    {
      slackWebhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf',
      extraRegions: ['us-west-2', 'ap-southeast-2'],
      trail: false,
    },
  ],
  [
    'a deployment in us-east-1 with Slack through SSM',
    { region: 'us-east-1', slackWebhookParameterName: '/slack' },
  ],
  ['a deployment with the AWS Chatbot topic', { chatbotTopic: true, bigChangeThreshold: 25 }],
];

function stacksOf(overrides: Partial<DeployConfig>): Stack[] {
  const { home, forwarders } = buildApp(overrides);
  return [home, ...forwarders];
}

describe('cdk-nag on our stacks', () => {
  it.each(configurations)('reports nothing in %s', (_, overrides) => {
    for (const stack of stacksOf(overrides)) {
      const app = stack.node.root;
      for (const pack of [new AwsSolutionsChecks(app), new ServerlessChecks(app)]) {
        const report = pack.validateScope(stack);
        expect({ stack: stack.stackName, violations: report.violations }).toEqual({
          stack: stack.stackName,
          violations: [],
        });
      }
    }
  });

  it('finds every acknowledgement written down with its reason', () => {
    const acknowledged: [string, string][] = [];
    for (const stack of stacksOf(configurations[1]?.[1] ?? {})) {
      for (const construct of stack.node.findAll()) {
        for (const entry of construct.node.metadata) {
          if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
          acknowledged.push(...Object.entries(entry.data as Record<string, string>));
        }
      }
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) {
      expect({ id, reason: reason.length >= 40 }).toEqual({ id, reason: true });
    }
  });

  it('makes the synth fail on a finding nobody acknowledged', () => {
    const { app, home } = buildApp();
    new sqs.Queue(home, 'Unencrypted', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    addNagChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });
});

describe('cfn-lint on the synthesized templates', () => {
  it.each(configurations)('passes on every template of %s', (_, overrides) => {
    const outdir = mkdtempSync(join(tmpdir(), 'lra-cdk-out-'));
    const { app } = buildApp(overrides, outdir);
    addNagChecks(app);
    app.synth();
    const templates = readdirSync(outdir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => join(outdir, f));
    expect(templates.length).toBeGreaterThan(0);
    const lint = spawnSync('cfn-lint', ['--', ...templates], { encoding: 'utf8' });
    if (lint.error !== undefined) {
      throw new Error(`cfn-lint could not run (${lint.error.message}): install it with pip install cfn-lint`);
    }
    expect({ status: lint.status, output: `${lint.stdout}${lint.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  });
});
