/**
 * Puts the stacks of one deployment into a CDK app: the home stack, and a forwarding stack in each region
 * that must send events home (us-east-1 for IAM when home is elsewhere; every extra region for Lambda).
 * Shared by `infra/app.ts` and the infra tests, so that the tests check the app that deploys.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AuditorStack } from './auditor-stack.js';
import type { DeployConfig } from './config.js';
import type { CodeProvider } from './constructs/auditor-function.js';
import { ForwarderStack } from './forwarder-stack.js';
import { forwarderStackName, forwardingSources } from './names.js';

export interface AuditorApp {
  readonly home: AuditorStack;
  readonly forwarders: readonly ForwarderStack[];
}

export function addAuditorStacks(app: App, config: DeployConfig, code: CodeProvider): AuditorApp {
  const sources = forwardingSources(config.region, config.extraRegions);
  const home = new AuditorStack(app, config.stackName, {
    stackName: config.stackName,
    env: { region: config.region, ...(config.account !== undefined ? { account: config.account } : {}) },
    description: 'lambda-role-audit: least-privilege auditor for Lambda execution roles',
    config,
    code,
    forwardedFrom: sources,
  });
  const forwarders = sources.map((source) => {
    const name = forwarderStackName(config.stackName, source.region);
    const stack = new ForwarderStack(app, name, {
      stackName: name,
      env: { region: source.region, ...(config.account !== undefined ? { account: config.account } : {}) },
      description: `lambda-role-audit: forwards ${source.events.join(' and ')} change events to ${config.region}`,
      homeStackName: config.stackName,
      homeRegion: config.region,
      events: source.events,
    });
    // The home bus must exist before a rule targets it.
    stack.addStackDependency(home, 'the forwarding rules target the home stack bus');
    return stack;
  });
  return { home, forwarders };
}

/** cdk-nag's AwsSolutions and Serverless packs, as synth-time validations (a finding fails the synth). */
export function addNagChecks(app: App): { awsSolutions: AwsSolutionsChecks; serverless: ServerlessChecks } {
  const awsSolutions = new AwsSolutionsChecks(app, { verbose: true });
  const serverless = new ServerlessChecks(app, { verbose: true });
  Validations.of(app).addPlugins(awsSolutions, serverless);
  return { awsSolutions, serverless };
}
