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
import { OrgAssetSynthesizer } from './org/org-asset-synthesizer.js';
import { CentralAlertsStack, OrgAssetsStack, OrgStackSetsStack } from './org/org-stacks.js';

export interface AuditorApp {
  readonly home: AuditorStack;
  readonly forwarders: readonly ForwarderStack[];
  /** An organization deployment's own stacks (the home and forwarders are then the member templates). */
  readonly org?: {
    readonly assets: OrgAssetsStack;
    readonly stackSets: OrgStackSetsStack;
    readonly centralAlerts?: CentralAlertsStack;
  };
}

export function addAuditorStacks(app: App, config: DeployConfig, code: CodeProvider): AuditorApp {
  const sources = forwardingSources(config.region, config.extraRegions);
  const org = config.organization;
  // Member templates name no account (each member account is its own) and no bootstrap resource.
  const account = org === undefined && config.account !== undefined ? { account: config.account } : {};
  const synthesizer = () =>
    org === undefined ? {} : { synthesizer: new OrgAssetSynthesizer(org.bucketPrefix) };
  const home = new AuditorStack(app, config.stackName, {
    stackName: config.stackName,
    env: { region: config.region, ...account },
    ...synthesizer(),
    description: 'lambda-role-audit: least-privilege auditor for Lambda execution roles',
    config,
    code,
    forwardedFrom: sources,
  });
  const forwarders = sources.map((source) => {
    const name = forwarderStackName(config.stackName, source.region);
    const stack = new ForwarderStack(app, name, {
      stackName: name,
      env: { region: source.region, ...account },
      ...synthesizer(),
      description: `lambda-role-audit: forwards ${source.events.join(' and ')} change events to ${config.region}`,
      homeStackName: config.stackName,
      homeRegion: config.region,
      events: source.events,
    });
    // The home bus must exist before a rule targets it.
    stack.addStackDependency(home, 'the forwarding rules target the home stack bus');
    return stack;
  });
  if (org === undefined) return { home, forwarders };
  const adminEnv = {
    region: config.region,
    ...(config.account !== undefined ? { account: config.account } : {}),
  };
  const assets = new OrgAssetsStack(app, `${config.stackName}-OrgAssets`, {
    stackName: `${config.stackName}-OrgAssets`,
    env: adminEnv,
    description: 'lambda-role-audit: the organization-readable bucket of the member templates and bundles',
    bucketPrefix: org.bucketPrefix,
    organizationId: org.organizationId,
  });
  const stackSets = new OrgStackSetsStack(app, `${config.stackName}-OrgStackSets`, {
    stackName: `${config.stackName}-OrgStackSets`,
    env: adminEnv,
    description: 'lambda-role-audit: StackSets that deploy the auditor to every account of the target OUs',
    bucketPrefix: org.bucketPrefix,
    targets: org.targets,
    members: [
      {
        name: config.stackName,
        templateFile: home.templateFile,
        regions: [config.region],
        description: 'lambda-role-audit: the auditor in each member account',
      },
      ...forwarders.map((f, i) => ({
        name: f.stackName,
        templateFile: f.templateFile,
        regions: [sources[i]?.region ?? f.region],
        description: `lambda-role-audit: forwards change events to ${config.region} in each member account`,
      })),
    ],
  });
  stackSets.addStackDependency(assets, 'the StackSets read their templates from the asset bucket');
  const centralAlerts = org.centralAlerts
    ? new CentralAlertsStack(app, `${config.stackName}-CentralAlerts`, {
        stackName: `${config.stackName}-CentralAlerts`,
        env: { region: config.region },
        description:
          'lambda-role-audit: the organization central alert topic (deploy in the security account)',
        organizationId: org.organizationId,
      })
    : undefined;
  return { home, forwarders, org: { assets, stackSets, ...(centralAlerts ? { centralAlerts } : {}) } };
}

/** cdk-nag's AwsSolutions and Serverless packs, as synth-time validations (a finding fails the synth). */
export function addNagChecks(app: App): { awsSolutions: AwsSolutionsChecks; serverless: ServerlessChecks } {
  const awsSolutions = new AwsSolutionsChecks(app, { verbose: true });
  const serverless = new ServerlessChecks(app, { verbose: true });
  Validations.of(app).addPlugins(awsSolutions, serverless);
  return { awsSolutions, serverless };
}
