/** Every rule, in the order the engine runs them. */
import { invalidPolicy } from './invalid-policy.js';
import { missingPermission } from './missing-permission.js';
import { overbroadResource } from './overbroad-resource.js';
import { policyProblems } from './policy-problems.js';
import { roleUnavailable } from './role-unavailable.js';
import { trustPolicyNotLambda, trustPolicyTooBroad } from './trust-policy.js';
import type { Rule } from './types.js';
import { unknownAction } from './unknown-action.js';
import { unusedSourcePermission } from './unused-source-permission.js';
import { wildcardAction } from './wildcard-action.js';

export const RULES: readonly Rule[] = [
  missingPermission,
  wildcardAction,
  unusedSourcePermission,
  overbroadResource,
  trustPolicyNotLambda,
  trustPolicyTooBroad,
  unknownAction,
  invalidPolicy,
  policyProblems,
];

/** Run when the role is missing: only `role-unavailable` has something to say. */
export const ROLE_UNAVAILABLE_RULES: readonly Rule[] = [roleUnavailable];

/**
 * Run when the role exists but its content is unknown (defined outside a template): what the function
 * needs is known, whether the role grants it is not, so every need is reported `unverifiable`.
 */
export const ROLE_UNRESOLVED_RULES: readonly Rule[] = [missingPermission];
