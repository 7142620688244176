/**
 * What a Krayin holds, in one shape for the fake (its snapshot) and the real one (its database), so a
 * flow asserts the same things on both. Datetimes are wall times in APP_TIMEZONE ("Y-m-d H:i:s").
 */
import type { FakeKrayinSnapshot } from '../../fakes/krayin';
import type { RealKrayin } from './krayin-real';

export interface KrayinView {
  persons: {
    id: number;
    name: string;
    emails: unknown;
    contact_numbers: unknown;
    job_title: string | null;
    organization_id: number | null;
    user_id: number | null;
    /** User-defined attribute values by code. */
    custom_attributes: Record<string, unknown>;
  }[];
  organizations: { id: number; name: string }[];
  leads: { id: number; title: string; person_id: number | null; user_id: number | null; stage_code: string | null }[];
  activities: {
    id: number;
    type: string;
    title: string | null;
    comment: string | null;
    additional: unknown;
    schedule_from: string | null;
    schedule_to: string | null;
    is_done: number;
    location: string | null;
    lead_ids: number[];
    person_ids: number[];
  }[];
}

export function viewOfFake(k: FakeKrayinSnapshot): KrayinView {
  return {
    persons: k.persons.map((p) => ({
      id: p.id,
      name: p.name,
      emails: p.emails,
      contact_numbers: p.contact_numbers,
      job_title: p.job_title,
      organization_id: p.organization_id,
      user_id: p.user_id,
      custom_attributes: p.custom_attributes,
    })),
    organizations: k.organizations.map((o) => ({ id: o.id, name: o.name })),
    leads: k.leads.map((l) => ({
      id: l.id,
      title: l.title,
      person_id: l.person_id,
      user_id: l.user_id,
      stage_code: l.stage_code,
    })),
    activities: k.activities.map((a) => ({
      id: a.id,
      type: a.type,
      title: a.title,
      comment: a.comment,
      additional: a.additional,
      schedule_from: a.schedule_from,
      schedule_to: a.schedule_to,
      is_done: a.is_done,
      location: a.location,
      lead_ids: a.lead_ids,
      person_ids: a.person_ids,
    })),
  };
}

// JSON columns are text in MariaDB: JSON_EXTRACT(col, '$') embeds them as JSON, not as strings.
const PERSONS = `SELECT JSON_ARRAYAGG(JSON_OBJECT(
  'id', p.id, 'name', p.name, 'emails', JSON_EXTRACT(p.emails, '$'),
  'contact_numbers', JSON_EXTRACT(p.contact_numbers, '$'), 'job_title', p.job_title,
  'organization_id', p.organization_id, 'user_id', p.user_id,
  'custom_attributes', (SELECT JSON_ARRAYAGG(JSON_OBJECT('code', a.code, 'text', v.text_value,
      'boolean', v.boolean_value, 'integer', v.integer_value, 'float', v.float_value,
      'datetime', v.datetime_value, 'date', v.date_value))
    FROM attribute_values v JOIN attributes a ON a.id = v.attribute_id
    WHERE v.entity_type = 'persons' AND v.entity_id = p.id AND a.is_user_defined = 1)
) ORDER BY p.id) FROM persons p`;
const ORGANIZATIONS = `SELECT JSON_ARRAYAGG(JSON_OBJECT('id', o.id, 'name', o.name) ORDER BY o.id) FROM organizations o`;
const LEADS = `SELECT JSON_ARRAYAGG(JSON_OBJECT('id', l.id, 'title', l.title, 'person_id', l.person_id,
  'user_id', l.user_id, 'stage_code', s.code) ORDER BY l.id)
  FROM leads l LEFT JOIN lead_pipeline_stages s ON s.id = l.lead_pipeline_stage_id`;
const ACTIVITIES = `SELECT JSON_ARRAYAGG(JSON_OBJECT('id', a.id, 'type', a.type, 'title', a.title,
  'comment', a.comment, 'additional', JSON_EXTRACT(a.additional, '$'),
  'schedule_from', DATE_FORMAT(a.schedule_from, '%Y-%m-%d %H:%i:%s'),
  'schedule_to', DATE_FORMAT(a.schedule_to, '%Y-%m-%d %H:%i:%s'), 'is_done', a.is_done, 'location', a.location,
  'lead_ids', (SELECT JSON_ARRAYAGG(la.lead_id) FROM lead_activities la WHERE la.activity_id = a.id),
  'person_ids', (SELECT JSON_ARRAYAGG(pa.person_id) FROM person_activities pa WHERE pa.activity_id = a.id)
) ORDER BY a.id) FROM activities a`;

/** One attribute_values row: the value sits in the column of its type, the others are null. */
type TypedValue = { code: string } & Record<'text' | 'boolean' | 'integer' | 'float' | 'datetime' | 'date', unknown>;

function attributeValues(rows: TypedValue[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of rows ?? []) out[r.code] = r.text ?? r.boolean ?? r.integer ?? r.float ?? r.datetime ?? r.date ?? null;
  return out;
}

export async function viewOfReal(krayin: RealKrayin): Promise<KrayinView> {
  const doc = await krayin.queryJson<{
    persons:
      (Omit<KrayinView['persons'][number], 'custom_attributes'> & { custom_attributes: TypedValue[] | null })[] | null;
    organizations: KrayinView['organizations'] | null;
    leads: KrayinView['leads'] | null;
    activities:
      (KrayinView['activities'][number] & { lead_ids: number[] | null; person_ids: number[] | null })[] | null;
  }>(
    `SELECT JSON_OBJECT('persons', (${PERSONS}), 'organizations', (${ORGANIZATIONS}), 'leads', (${LEADS}),
      'activities', (${ACTIVITIES}))`,
  );
  return {
    persons: (doc.persons ?? []).map((p) => ({ ...p, custom_attributes: attributeValues(p.custom_attributes) })),
    organizations: doc.organizations ?? [],
    leads: doc.leads ?? [],
    activities: (doc.activities ?? []).map((a) => ({
      ...a,
      lead_ids: a.lead_ids ?? [],
      person_ids: a.person_ids ?? [],
    })),
  };
}
