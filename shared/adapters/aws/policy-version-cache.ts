/**
 * Managed policy versions, cached for the life of the process. A policy version is immutable (IAM makes
 * a new version id for every change), so (arn, versionId) → document never goes stale; what can change is
 * which version is the default, and that is re-read (GetPolicy) every time.
 */
import type { PolicyVersion } from '@aws-sdk/client-iam';

export class PolicyVersionCache {
  private readonly entries = new Map<string, PolicyVersion>();

  /** `maxEntries` bounds memory in a long-lived process; the oldest entry goes first. */
  constructor(private readonly maxEntries = 5000) {}

  private static key(policyArn: string, versionId: string): string {
    return `${policyArn}#${versionId}`;
  }

  get(policyArn: string, versionId: string): PolicyVersion | undefined {
    return this.entries.get(PolicyVersionCache.key(policyArn, versionId));
  }

  set(policyArn: string, versionId: string, version: PolicyVersion): void {
    const key = PolicyVersionCache.key(policyArn, versionId);
    this.entries.delete(key);
    this.entries.set(key, version);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The cache a process shares when the caller passes none (a Lambda handler's warm invocations). */
export const processPolicyVersionCache = new PolicyVersionCache();
