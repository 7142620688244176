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
