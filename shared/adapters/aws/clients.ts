/**
 * The SDK clients the live source reads with, configured once and passed in (never a hidden singleton).
 *
 * - Credentials: the SDK's default chain (environment, shared config/SSO, container, instance role);
 *   `profile` selects a named profile the way `AWS_PROFILE` does.
 * - Endpoint: `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_IAM` / `AWS_ENDPOINT_URL_LAMBDA` are read by the SDK
 *   itself; `endpoint` is only for callers (tests, moto) that pass one explicitly.
 * - IAM is a global service with one endpoint per partition. The IAM endpoint ruleset shipped in
 *   `@aws-sdk/client-iam` already maps any regional `region` to that endpoint and its signing region
 *   (checked in test/unit/aws/clients.test.ts without network):
 *   aws → https://iam.amazonaws.com signed for us-east-1; aws-cn → https://iam.cn-north-1.amazonaws.com.cn
 *   signed for cn-north-1; aws-us-gov → https://iam.us-gov.amazonaws.com signed for us-gov-west-1. So the
 *   IAM client is given the same `region` as Lambda, and nothing is overridden.
 * - Retries: adaptive mode (client-side rate limiting that backs off when AWS throttles), set explicitly,
 *   with more attempts than the default 3 because a whole-account read is a burst of calls.
 * - SQS, Kinesis, SNS, Secrets Manager and KMS: the same settings, for the encryption of the resources the
 *   functions use (encryption-reader.ts).
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { EncryptionClients } from './encryption-reader.js';

/**
 * IAM and Lambda, and the clients that read the encryption of the resources the functions use (optional:
 * a source without them reads no keys, and the audit lists those needs as unverified).
 */
export interface AwsClients extends Partial<EncryptionClients> {
  readonly iam: IAMClient;
  readonly lambda: LambdaClient;
}

export interface AwsClientsOptions {
  /** The Lambda region to audit; absent → the SDK's chain (`AWS_REGION`, the profile's `region`). */
  readonly region?: string;
  /** A named profile of the shared config/credentials files. */
  readonly profile?: string;
  /** An explicit endpoint for every client (tests); `AWS_ENDPOINT_URL` needs no option. */
  readonly endpoint?: string;
  /** Static credentials (tests); absent → the default credential chain. */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** Attempts per call including the first; default `AWS_MAX_ATTEMPTS` if set, else 8. */
  readonly maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

export function createAwsClients(options: AwsClientsOptions = {}): AwsClients {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
    retryMode: 'adaptive',
    // The SDK reads AWS_MAX_ATTEMPTS itself when no value is given here: a user's setting wins over ours.
    ...(options.maxAttempts !== undefined || !process.env.AWS_MAX_ATTEMPTS
      ? { maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS }
      : {}),
  };
  return {
    iam: new IAMClient(config),
    lambda: new LambdaClient(config),
    // Queue URLs are built from ARNs: the request must go to the client's endpoint, not the URL's host.
    sqs: new SQSClient({ ...config, useQueueUrlAsEndpoint: false }),
    // DescribeStreamSummary needs no HTTP/2 (only SubscribeToShard does), and some endpoints (moto) lack it.
    kinesis: new KinesisClient({ ...config, requestHandler: new NodeHttpHandler() }),
    sns: new SNSClient(config),
    secretsManager: new SecretsManagerClient(config),
    kms: new KMSClient(config),
  };
}
