/**
 * Read-only views of what the fake Krayin holds, for test assertions. Unlike the API they include
 * what Krayin never returns: custom attribute values, user_id/organization_id, activity links.
 */
import { valuesByCode } from './attributes';
import type { Json } from './php';
import type { State } from './state';

export interface FakePersonView {
  id: number;
  /** As stored ("" when created without a name). */
  name: string;
  emails: Json;
  contact_numbers: Json | null;
  job_title: string | null;
  organization_id: number | null;
  /** Sales owner. */
  user_id: number | null;
  /** Krayin's persons.unique_id ("user|org|email|phone"). */
  unique_id: string | null;
  /** Values of user-defined attributes by code (written through the API, never returned by it). */
  custom_attributes: Record<string, unknown>;
  /** Names of the attached tags (the API never returns them). */
  tags: string[];
  /** Wall times in APP_TIMEZONE ("Y-m-d H:i:s"). */
  created_at: string;
  updated_at: string;
}

export interface FakeOrganizationView {
  id: number;
  name: string;
  address: Json | null;
  user_id: number | null;
  custom_attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface FakeLeadView {
  id: number;
  title: string;
  description: string | null;
  /** DECIMAL as Krayin reads it ("1500.0000"). */
  lead_value: string | null;
  status: number | null;
  lost_reason: string | null;
  /** Wall time in APP_TIMEZONE. */
  closed_at: string | null;
  user_id: number | null;
  person_id: number | null;
  lead_source_id: number | null;
  lead_type_id: number | null;
  lead_pipeline_id: number | null;
  lead_pipeline_stage_id: number | null;
  /** Code of the current stage ("new", "won", ...). */
  stage_code: string | null;
  /** What GET shows ("Y-m-d"): the column, or the attribute value a stage move left behind. */
  expected_close_date: string | null;
  custom_attributes: Record<string, unknown>;
  /** Names of the attached tags (the API never returns them). */
  tags: string[];
  created_at: string;
  updated_at: string;
}

export interface FakeActivityView {
  id: number;
  type: string;
  title: string | null;
  comment: string | null;
  additional: Json;
  /** Wall times in APP_TIMEZONE ("Y-m-d H:i:s"), as Krayin stores them. */
  schedule_from: string | null;
  schedule_to: string | null;
  is_done: number;
  user_id: number | null;
  location: string | null;
  /** Leads and persons whose timelines show this activity. */
  lead_ids: number[];
  person_ids: number[];
  participants: { users: number[]; persons: number[] };
  created_at: string;
  updated_at: string;
}

export interface FakeKrayinSnapshot {
  persons: FakePersonView[];
  organizations: FakeOrganizationView[];
  leads: FakeLeadView[];
  activities: FakeActivityView[];
}

function tagNames(s: State, pivots: State['personTags'], entityId: number): string[] {
  return pivots
    .filter((p) => p.entity_id === entityId)
    .map((p) => s.tags.find((t) => t.id === p.tag_id)?.name ?? '')
    .sort();
}

export function snapshotOf(s: State): FakeKrayinSnapshot {
  const ecdAttr = s.attributes.find((a) => a.entity_type === 'leads' && a.code === 'expected_close_date');
  return {
    persons: s.persons.map((p) => ({
      id: p.id,
      name: p.name,
      emails: structuredClone(p.emails),
      contact_numbers: structuredClone(p.contact_numbers),
      job_title: p.job_title,
      organization_id: p.organization_id,
      user_id: p.user_id,
      unique_id: p.unique_id,
      custom_attributes: valuesByCode(s, 'persons', p.id, true),
      tags: tagNames(s, s.personTags, p.id),
      created_at: p.created_at,
      updated_at: p.updated_at,
    })),
    organizations: s.organizations.map((o) => ({
      id: o.id,
      name: o.name,
      address: structuredClone(o.address),
      user_id: o.user_id,
      custom_attributes: valuesByCode(s, 'organizations', o.id, true),
      created_at: o.created_at,
      updated_at: o.updated_at,
    })),
    leads: s.leads.map((l) => {
      const fallback = ecdAttr
        ? s.attributeValues.find(
            (v) => v.entity_type === 'leads' && v.entity_id === l.id && v.attribute_id === ecdAttr.id,
          )
        : undefined;
      return {
        id: l.id,
        title: l.title,
        description: l.description,
        lead_value: l.lead_value,
        status: l.status,
        lost_reason: l.lost_reason,
        closed_at: l.closed_at,
        user_id: l.user_id,
        person_id: l.person_id,
        lead_source_id: l.lead_source_id,
        lead_type_id: l.lead_type_id,
        lead_pipeline_id: l.lead_pipeline_id,
        lead_pipeline_stage_id: l.lead_pipeline_stage_id,
        stage_code: s.stage(l.lead_pipeline_stage_id)?.code ?? null,
        expected_close_date: l.expected_close_date ?? (fallback?.value as string | null | undefined) ?? null,
        custom_attributes: valuesByCode(s, 'leads', l.id, true),
        tags: tagNames(s, s.leadTags, l.id),
        created_at: l.created_at,
        updated_at: l.updated_at,
      };
    }),
    activities: s.activities.map((a) => ({
      id: a.id,
      type: a.type,
      title: a.title,
      comment: a.comment,
      additional: structuredClone(a.additional),
      schedule_from: a.schedule_from,
      schedule_to: a.schedule_to,
      is_done: a.is_done,
      user_id: a.user_id,
      location: a.location,
      lead_ids: s.leadActivities.filter((p) => p.activity_id === a.id).map((p) => p.entity_id),
      person_ids: s.personActivities.filter((p) => p.activity_id === a.id).map((p) => p.entity_id),
      participants: {
        users: s.participants
          .filter((p) => p.activity_id === a.id && p.user_id !== null)
          .map((p) => p.user_id as number),
        persons: s.participants
          .filter((p) => p.activity_id === a.id && p.person_id !== null)
          .map((p) => p.person_id as number),
      },
      created_at: a.created_at,
      updated_at: a.updated_at,
    })),
  };
}
