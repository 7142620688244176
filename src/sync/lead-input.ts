/**
 * The full lead state for a create (Krayin requires `lead_pipeline_stage_id` on every lead write). Pure.
 * Optional references are left out rather than sent as null: Krayin validates "required" attributes
 * only when their key is present, so `lead_source_id: null` is a 422 while no key is accepted.
 */
import type { LeadInput } from '../krayin/api';
import type { DesiredLead } from '../mapping/types';
import type { LeadTarget } from './lookups';

export function leadInputFor(desired: DesiredLead, target: LeadTarget): LeadInput {
  return {
    title: desired.title,
    ...(desired.description === null ? {} : { description: desired.description }),
    lead_value: desired.value,
    ...(target.sourceId === null ? {} : { lead_source_id: target.sourceId }),
    ...(target.typeId === null ? {} : { lead_type_id: target.typeId }),
    lead_pipeline_id: target.pipelineId,
    lead_pipeline_stage_id: target.stageId,
    ...(target.ownerId === null ? {} : { user_id: target.ownerId }),
    attributes: desired.attributes,
  };
}
