/**
 * Which stage, if any, the automatic rules move a lead to. Pure: the caller fetches the pipelines and
 * the lead's current stage, detects triggers (triggers.ts) and performs the move
 * (`PUT /leads/stage/edit/{id}`, which only accepts a stage of the lead's current pipeline).
 *
 * Why the protections: peer integrations moved leads backwards (a reopened chat dragging a
 * negotiation back to "New") and reopened won deals. Rules here move forward in the pipeline's stage
 * order unless a rule explicitly allows backwards, and never touch a lead that is won or lost
 * (closed stages are identified by code, exactly as Krayin does; src/krayin/README.md §9).
 */
import type { KrayinPipeline, KrayinStage } from '../krayin/api';
import type { Trigger } from './triggers';

/** A stage rule as decideStageMove needs it (StageRule from schema.ts fits). */
export interface StageRuleLike {
  on: Trigger;
  /** Stage id, or code/name (case-insensitive). */
  stage: number | string;
  /** Pipeline id or name (case-insensitive); the rule only applies to leads in it. */
  pipeline?: number | string | undefined;
  allowBackwards?: boolean | undefined;
}

export interface StageMove {
  stageId: number;
  /** Index of the winning rule in the configured list. */
  ruleIndex: number;
  trigger: Trigger;
}

export interface StageMoveInput {
  /** The lead's `lead_pipeline_stage_id`; null or unknown means no decision is possible. */
  currentStageId: number | null;
  pipelines: readonly KrayinPipeline[];
  triggers: readonly Trigger[];
  rules: readonly StageRuleLike[];
}

export const CLOSED_STAGE_CODES: readonly string[] = ['won', 'lost'];

export function isClosedStage(stage: Pick<KrayinStage, 'code'>): boolean {
  return CLOSED_STAGE_CODES.includes(stage.code.trim().toLowerCase());
}

const fold = (s: string) => s.trim().toLowerCase();

/** The pipeline a reference names: by id, else by name (case-insensitive). */
export function findPipeline(pipelines: readonly KrayinPipeline[], ref: number | string): KrayinPipeline | null {
  if (typeof ref === 'number') return pipelines.find((p) => p.id === ref) ?? null;
  return pipelines.find((p) => fold(p.name) === fold(ref)) ?? null;
}

/** Index of the stage a reference names within one pipeline: id, else code, else name; -1 if none. */
export function findStageIndex(pipeline: KrayinPipeline, ref: number | string): number {
  if (typeof ref === 'number') return pipeline.stages.findIndex((s) => s.id === ref);
  const key = fold(ref);
  const byCode = pipeline.stages.findIndex((s) => fold(s.code) === key);
  return byCode >= 0 ? byCode : pipeline.stages.findIndex((s) => fold(s.name) === key);
}

function pipelineOfStage(pipelines: readonly KrayinPipeline[], stageId: number) {
  for (const pipeline of pipelines) {
    const index = pipeline.stages.findIndex((s) => s.id === stageId);
    if (index >= 0) return { pipeline, index };
  }
  return null;
}

/**
 * The move the rules call for, or null (no rule fired, nothing to do, or the lead is protected).
 * Several firing rules: the target furthest forward in stage order wins; ties go to the rule listed
 * first, so the outcome never depends on trigger order.
 */
export function decideStageMove(input: StageMoveInput): StageMove | null {
  const { currentStageId, pipelines, triggers, rules } = input;
  if (currentStageId === null) return null;
  const current = pipelineOfStage(pipelines, currentStageId);
  if (current === null) return null;
  const { pipeline, index: currentIndex } = current;
  const currentStage = pipeline.stages[currentIndex];
  if (currentStage === undefined || isClosedStage(currentStage)) return null;

  const fired = new Set(triggers);
  let best: { move: StageMove; index: number } | null = null;
  for (const [ruleIndex, rule] of rules.entries()) {
    if (!fired.has(rule.on)) continue;
    if (rule.pipeline !== undefined && findPipeline(pipelines, rule.pipeline)?.id !== pipeline.id) continue;
    const index = findStageIndex(pipeline, rule.stage);
    const target = pipeline.stages[index];
    if (target === undefined || index === currentIndex) continue;
    if (index < currentIndex && rule.allowBackwards !== true) continue;
    // Strictly greater: on a tie the earlier rule keeps its place.
    if (best === null || index > best.index)
      best = { move: { stageId: target.id, ruleIndex, trigger: rule.on }, index };
  }
  return best?.move ?? null;
}

export interface StageRuleProblem {
  ruleIndex: number;
  /** `pipeline` or `stage` */
  field: 'pipeline' | 'stage';
  /** Names the configured reference (a stage code or pipeline name, not customer data). */
  message: string;
}

/**
 * Configuration problems against the live Krayin pipelines, for the connection check: a rule whose
 * pipeline or stage does not exist would silently never fire.
 */
export function validateStageRules(
  rules: readonly StageRuleLike[],
  pipelines: readonly KrayinPipeline[],
): StageRuleProblem[] {
  const problems: StageRuleProblem[] = [];
  rules.forEach((rule, ruleIndex) => {
    const describe = (ref: number | string) => (typeof ref === 'number' ? `id ${ref}` : JSON.stringify(ref));
    let scope: readonly KrayinPipeline[] = pipelines;
    if (rule.pipeline !== undefined) {
      const pipeline = findPipeline(pipelines, rule.pipeline);
      if (pipeline === null) {
        problems.push({ ruleIndex, field: 'pipeline', message: `Krayin has no pipeline ${describe(rule.pipeline)}` });
        return;
      }
      scope = [pipeline];
    }
    if (!scope.some((p) => findStageIndex(p, rule.stage) >= 0)) {
      const where = rule.pipeline === undefined ? 'in any pipeline' : `in pipeline ${describe(rule.pipeline)}`;
      problems.push({ ruleIndex, field: 'stage', message: `Krayin has no stage ${describe(rule.stage)} ${where}` });
    }
  });
  return problems;
}
