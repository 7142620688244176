/**
 * "Move to stage" in the CRM panel is forward only, like the automatic stage rules (src/rules/stage-move.ts):
 * the stages after the lead's current one in its pipeline, and none at all for a lead that is won or lost.
 * Pure; used to offer the choices and checked again when the move runs.
 */
import type { KrayinPipeline, KrayinStage } from '../krayin/api';
import { isClosedStage } from '../rules/stage-move';

export function forwardStages(pipelines: readonly KrayinPipeline[], currentStageId: number | null): KrayinStage[] {
  if (currentStageId === null) return [];
  for (const pipeline of pipelines) {
    const index = pipeline.stages.findIndex((s) => s.id === currentStageId);
    if (index < 0) continue;
    if (isClosedStage(pipeline.stages[index]!)) return [];
    return pipeline.stages.slice(index + 1);
  }
  return [];
}

/**
 * For an agent allowed to move leads backwards (CHATWOOT_DASHBOARD_APP_BACKWARD_MOVES): every other stage
 * of the lead's pipeline, won and lost included, in pipeline order.
 */
export function anyOtherStages(pipelines: readonly KrayinPipeline[], currentStageId: number | null): KrayinStage[] {
  if (currentStageId === null) return [];
  const pipeline = pipelines.find((p) => p.stages.some((s) => s.id === currentStageId));
  return pipeline ? pipeline.stages.filter((s) => s.id !== currentStageId) : [];
}

/** Whether a Chatwoot agent (as GET /agents lists it) is named by email or role in the setting. */
export function mayMoveBackwards(agent: { email: string; role?: string } | null, allowed: readonly string[]): boolean {
  if (!agent || allowed.length === 0) return false;
  const email = agent.email.trim().toLowerCase();
  const role = agent.role?.trim().toLowerCase();
  return allowed.some((a) => a === email || (role !== undefined && a === role));
}
