/** Path and name after `arn:PARTITION:iam::aws:policy/` → [default version id, document as JSON text]. */
export type AwsManagedPolicyData = Record<string, [string, string]>;
export function readAwsManagedPolicyData(): AwsManagedPolicyData;
export function writeCompactAwsManagedPolicies(path: string): void;
