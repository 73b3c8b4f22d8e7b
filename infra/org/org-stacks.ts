/**
 * The organization deployment, from the same CDK app (`-c orgAssetBucketPrefix=… -c organizationId=o-…
 * -c orgTargets=ou-…`): the member templates (the home stack and its forwarders, synthesized without
 * bootstrap by OrgAssetSynthesizer) are put into every account of the target OUs by CloudFormation
 * StackSets with service-managed permissions and automatic deployment (new accounts included), from the
 * management account or a delegated administrator.
 *
 * - OrgAssetsStack: the bucket the member templates and handler bundles are read from, in the home
 *   region, readable by principals of the organization only (`aws:PrincipalOrgID`).
 * - OrgStackSetsStack: one StackSet per member template (home region; us-east-1 and the extra regions for
 *   the forwarders), the forwarders' after the home one (their rules target the home bus).
 * - CentralAlertsStack (optional, in the security account): a topic every member stack also publishes to,
 *   admitting only the organization; its key likewise. Members publish there best effort: an unreachable
 *   central topic is logged, and the member's own topic, state and Security Hub go on as before.
 */
import { Aws, CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import { ORG_TEMPLATE_KEY_PREFIX, orgAssetBucketName } from './org-asset-synthesizer.js';

export interface OrgAssetsStackProps extends StackProps {
  readonly bucketPrefix: string;
  readonly organizationId: string;
}

/** The bucket of the member templates and bundles, readable by the organization (and by nobody else). */
export class OrgAssetsStack extends Stack {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: OrgAssetsStackProps) {
    super(scope, id, props);
    this.bucket = new s3.Bucket(this, 'AssetBucket', {
      bucketName: orgAssetBucketName(props.bucketPrefix, this.region),
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudFormation creates each member's functions with the StackSet execution role of that member
    // account; Lambda reads the bundle with its credentials, hence a read for the organization's principals.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationReadsTemplatesAndBundles',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects('lambda-role-audit/*')],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
    acknowledge(
      this.bucket,
      ['AwsSolutions-S1'],
      'The bucket holds only the published templates and handler bundles (versioned, written by the release step); object reads are recorded by CloudTrail data events where the organization enables them.',
    );
    new CfnOutput(this, 'AssetBucketName', {
      description:
        'Upload the member templates and bundles here (scripts/org-package.ts prints the commands)',
      value: this.bucket.bucketName,
    });
  }
}

export interface MemberTemplate {
  /** StackSet name. */
  readonly name: string;
  /** The template file in the cloud assembly (uploaded under ORG_TEMPLATE_KEY_PREFIX). */
  readonly templateFile: string;
  readonly regions: readonly string[];
  readonly description: string;
}

export interface OrgStackSetsStackProps extends StackProps {
  readonly bucketPrefix: string;
  /** Organizational units (ou-…) or the root (r-…) whose accounts get the auditor. */
  readonly targets: readonly string[];
  /** The home stack first: the others are created after it. */
  readonly members: readonly MemberTemplate[];
}

/** One service-managed, auto-deploying StackSet per member template. */
export class OrgStackSetsStack extends Stack {
  readonly stackSets: readonly cloudformation.CfnStackSet[];

  constructor(scope: Construct, id: string, props: OrgStackSetsStackProps) {
    super(scope, id, props);
    const callAs = new CfnParameter(this, 'CallAs', {
      type: 'String',
      allowedValues: ['SELF', 'DELEGATED_ADMIN'],
      default: 'SELF',
      description:
        'SELF in the management account; DELEGATED_ADMIN in a CloudFormation delegated administrator account',
    });
    const bucket = orgAssetBucketName(props.bucketPrefix, this.region);
    const sets: cloudformation.CfnStackSet[] = [];
    for (const member of props.members) {
      const set = new cloudformation.CfnStackSet(
        this,
        `StackSet${sets.length === 0 ? 'Home' : sets.length}`,
        {
          stackSetName: member.name,
          description: member.description,
          permissionModel: 'SERVICE_MANAGED',
          autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
          callAs: callAs.valueAsString,
          capabilities: ['CAPABILITY_IAM'],
          managedExecution: { Active: true },
          operationPreferences: {
            failureTolerancePercentage: 10,
            maxConcurrentPercentage: 25,
            regionConcurrencyType: 'PARALLEL',
          },
          stackInstancesGroup: [
            {
              deploymentTargets: { organizationalUnitIds: [...props.targets] },
              regions: [...member.regions],
            },
          ],
          templateUrl: `https://${bucket}.s3.${this.region}.${Aws.URL_SUFFIX}/${ORG_TEMPLATE_KEY_PREFIX}${member.templateFile}`,
        },
      );
      const [home] = sets;
      if (home !== undefined) set.addResourceDependency(home);
      sets.push(set);
    }
    this.stackSets = sets;
    new CfnOutput(this, 'StackSetNames', {
      description: 'The StackSets that put the auditor into every account of the target OUs',
      value: props.members.map((m) => m.name).join(','),
    });
  }
}

export interface CentralAlertsStackProps extends StackProps {
  readonly organizationId: string;
}

/** The security account's topic that every member also publishes to; only the organization may. */
export class CentralAlertsStack extends Stack {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: CentralAlertsStackProps) {
    super(scope, id, props);
    const fromOrganization = { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } };
    this.key = new kms.Key(this, 'CentralAlertKey', {
      description: 'Encrypts the lambda-role-audit central alert topic',
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A member role publishing to the encrypted topic needs the key through SNS (and its own policy).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationPublishesThroughSns',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          ...fromOrganization,
          StringLike: { 'kms:ViaService': `sns.${this.region}.${Aws.URL_SUFFIX}` },
        },
      }),
    );
    this.topic = new sns.Topic(this, 'CentralAlertTopic', {
      displayName: 'lambda-role-audit (organization)',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationPublishes',
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOrganization,
      }),
    );
    new CfnOutput(this, 'CentralAlertTopicArn', {
      description:
        'Pass to the member deployment as -c centralAlertTopicArn; subscribe the security team here',
      value: this.topic.topicArn,
    });
    new CfnOutput(this, 'CentralAlertKeyArn', {
      description: 'Pass to the member deployment as -c centralAlertKeyArn',
      value: this.key.keyArn,
    });
  }
}
