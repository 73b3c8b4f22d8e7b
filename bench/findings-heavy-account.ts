/**
 * The findings-heavy account of the offline bench (issue 10): the synthetic account of
 * bench/synthetic-account.ts, with nine roles in ten broken the way hand-written roles drift (see
 * `breakRoleHeavily` there): most functions have several missing and several excess findings, so the report
 * is several times the synthetic account's and the audit's report building, finding ids and messages weigh
 * as they do in such an account. Deterministic: same N, same bytes.
 */
import { type SyntheticAccountStats, writeSyntheticAccount } from './synthetic-account.js';

/** Writes the four export files of a findings-heavy account of `functionCount` functions into `folder`. */
export function writeFindingsHeavyAccount(folder: string, functionCount: number): SyntheticAccountStats {
  return writeSyntheticAccount(folder, functionCount, { findingsHeavy: true });
}
