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
  return evaluatedResources(requirement).map((touched) => ({
    ...touched,
    result: context.evaluate(action, touched.resource, touched.anyName),
  }));
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
  return evaluations
    .filter((evaluation) => evaluation.result.decision !== 'allowed')
    .map((evaluation, index) => ({ evaluation, index }))
    .sort(
      (a, b) =>
        DISTANCE[b.evaluation.result.decision] - DISTANCE[a.evaluation.result.decision] || a.index - b.index,
    )
    .map(({ evaluation }) => evaluation);
}
