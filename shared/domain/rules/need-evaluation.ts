/**
 * How the rules ask the evaluator about a requirement: on its resource, or, for actions judged on what the
 * call touches (EC2 network interfaces), on each touched resource — the action is allowed only when every
 * one of them is. Any-name resources are asked as such (policy/any-name.ts).
 */
import type { EvaluationResult } from '../policy/evaluation-types.js';
import type { Requirement, TouchedResource } from '../requirements/derive.js';
import type { RuleContext } from './types.js';

export interface NeedEvaluation extends TouchedResource {
  readonly result: EvaluationResult;
}

/** The resources a requirement's actions are judged on. */
export function evaluatedResources(requirement: Requirement): readonly TouchedResource[] {
  return requirement.touches ?? [{ resource: requirement.resource, anyName: requirement.anyName }];
}

/** The evaluation of one action of a requirement on each resource it is judged on. */
export function evaluateNeed(
  context: Pick<RuleContext, 'evaluate'>,
  requirement: Requirement,
  action: string,
): NeedEvaluation[] {
  const touches = requirement.touches;
  // The common case, one resource: one small object, no spread (this runs for every need of every function).
  if (touches === undefined) {
    const { resource, anyName } = requirement;
    return [{ resource, anyName, result: context.evaluate(action, resource, anyName) }];
  }
  const evaluations: NeedEvaluation[] = [];
  for (const touched of touches) {
    const result = context.evaluate(action, touched.resource, touched.anyName);
    evaluations.push(
      touched.notInConfiguration === true
        ? { resource: touched.resource, anyName: touched.anyName, notInConfiguration: true, result }
        : { resource: touched.resource, anyName: touched.anyName, result },
    );
  }
  return evaluations;
}

/** How far from allowed a decision is: the worst one decides a need judged on several resources. */
const DISTANCE: Readonly<Record<EvaluationResult['decision'], number>> = {
  allowed: 0,
  conditional: 1,
  'implicit-deny': 2,
  boundary: 3,
  'explicit-deny': 4,
};

/** The evaluations that are not `allowed`, worst first (a stable order otherwise). */
export function failing(evaluations: readonly NeedEvaluation[]): NeedEvaluation[] {
  if (evaluations.length === 1) return evaluations[0]?.result.decision === 'allowed' ? [] : [...evaluations];
  return evaluations
    .filter((evaluation) => evaluation.result.decision !== 'allowed')
    .map((evaluation, index) => ({ evaluation, index }))
    .sort(
      (a, b) =>
        DISTANCE[b.evaluation.result.decision] - DISTANCE[a.evaluation.result.decision] || a.index - b.index,
    )
    .map(({ evaluation }) => evaluation);
}
