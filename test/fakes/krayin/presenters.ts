/**
 * The JSON Resources of krayin/rest-api 2.1.1 (and the Admin UserResource that activities use).
 *
 * A resource renders a *model instance*: on GET that is the stored row, on create/update it is
 * the in-memory model, whose attributes are the values as sent (so `lead_value` echoes `1500`
 * on create and reads back as "1500.0000"), and whose null attributes fall back to
 * attribute_values (CustomAttribute::getAttribute).
 */
import { fallbackValue } from './attributes';
import { mysqlNumber } from './mysql';
import type { Json } from './php';
import type {
  ActivityRow,
  AttributeRow,
  NamedRow,
  OrganizationRow,
  PersonRow,
  PipelineRow,
  StageRow,
  State,
  UserRow,
} from './state';
import { isoFromDate, isoFromWall } from './time';

export type ModelEntity = 'persons' | 'organizations' | 'leads';

/** An Eloquent model as a Resource sees it. */
export interface ModelView {
  entity: ModelEntity;
  id: number;
  attrs: Record<string, unknown>;
}

export function viewOf(entity: ModelEntity, row: PersonRow | OrganizationRow | object): ModelView {
  const attrs = { ...(row as Record<string, unknown>) };
  return { entity, id: attrs.id as number, attrs };
}

function get(state: State, m: ModelView, key: string): unknown {
  const v = m.attrs[key];
  if (v !== null && v !== undefined) return v;
  return fallbackValue(state, m.entity, m.id, key);
}

function iso(state: State, wall: unknown): string | null {
  return typeof wall === 'string' && wall ? isoFromWall(wall, state.tz) : null;
}

/** BelongsTo resolution: the foreign key goes through MySQL's numeric conversion. */
function byFk<T extends { id: number }>(rows: T[], fk: unknown): T | undefined {
  if (fk === null || fk === undefined || fk === '') return undefined;
  const id = mysqlNumber(fk);
  return rows.find((r) => r.id === id);
}

export function userResource(state: State, u: UserRow): Record<string, unknown> {
  const role = state.roles.find((r) => r.id === u.role_id);
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    status: u.status,
    view_permission: u.view_permission,
    role: role
      ? {
          id: role.id,
          name: role.name,
          description: role.description,
          permission_type: role.permission_type,
          permissions: role.permissions,
          created_at: null,
          updated_at: null,
        }
      : null,
    created_at: iso(state, u.created_at),
    updated_at: iso(state, u.updated_at),
    image: u.image,
    image_url: u.image ? `/storage/${u.image}` : null,
  };
}

/** Admin UserResource, used by ActivityResource: its `updated_at` holds the user's name (Krayin bug). */
export function adminUserResource(state: State, u: UserRow): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    image: u.image,
    created_at: iso(state, u.created_at),
    updated_at: u.name,
  };
}

export function organizationResource(state: State, m: ModelView): Record<string, unknown> {
  return {
    id: m.id,
    name: get(state, m, 'name'),
    address: get(state, m, 'address'),
    created_at: iso(state, m.attrs.created_at),
    updated_at: iso(state, m.attrs.updated_at),
  };
}

export interface PersonRenderOptions {
  /** The organization relation as loaded before an update (the PUT response is stale). */
  organizationId?: unknown;
}

export function personResource(state: State, m: ModelView, opts: PersonRenderOptions = {}): Record<string, unknown> {
  const orgFk = 'organizationId' in opts ? opts.organizationId : get(state, m, 'organization_id');
  const org = byFk(state.organizations, orgFk);
  const owner = byFk(state.users, get(state, m, 'user_id'));
  const out: Record<string, unknown> = {
    id: m.id,
    name: get(state, m, 'name'),
    emails: get(state, m, 'emails'),
    contact_numbers: get(state, m, 'contact_numbers'),
  };
  // Absent, not null, when unset: PersonResource uses $this->when().
  if (org) out.organization = organizationResource(state, viewOf('organizations', org));
  out.job_title = get(state, m, 'job_title');
  if (owner) out.sales_owner = userResource(state, owner);
  out.created_at = iso(state, m.attrs.created_at);
  out.updated_at = iso(state, m.attrs.updated_at);
  return out;
}

export function personRowResource(state: State, p: PersonRow): Record<string, unknown> {
  return personResource(state, viewOf('persons', p));
}

export function leadResource(state: State, m: ModelView): Record<string, unknown> {
  const user = byFk(state.users, get(state, m, 'user_id'));
  const person = byFk(state.persons, get(state, m, 'person_id'));
  const ecd = get(state, m, 'expected_close_date');
  return {
    id: m.id,
    title: get(state, m, 'title'),
    description: get(state, m, 'description'),
    lead_value: get(state, m, 'lead_value'),
    status: get(state, m, 'status'),
    lost_reason: get(state, m, 'lost_reason'),
    closed_at: iso(state, get(state, m, 'closed_at')),
    user: user ? userResource(state, user) : null,
    person: person ? personRowResource(state, person) : null,
    lead_products: [],
    lead_source_id: get(state, m, 'lead_source_id'),
    lead_type_id: get(state, m, 'lead_type_id'),
    lead_pipeline_id: get(state, m, 'lead_pipeline_id'),
    lead_pipeline_stage_id: get(state, m, 'lead_pipeline_stage_id'),
    created_at: iso(state, m.attrs.created_at),
    updated_at: iso(state, m.attrs.updated_at),
    expected_close_date: typeof ecd === 'string' && ecd ? isoFromDate(ecd, state.tz) : null,
  };
}

/** An activity as rendered; `attrs` may carry echoed request values on create/update. */
export function activityResource(
  state: State,
  a: ActivityRow,
  attrs: Partial<Record<keyof ActivityRow, unknown>> = {},
) {
  const v = { ...a, ...attrs } as Record<string, unknown>;
  const user = byFk(state.users, v.user_id);
  const participants = state.participants
    .filter((p) => p.activity_id === a.id)
    .map((p) => {
      if (p.user_id !== null) {
        const u = state.user(p.user_id);
        return { user: u ? userResource(state, u) : null };
      }
      const person = state.person(p.person_id);
      return { person: person ? personRowResource(state, person) : null };
    });
  return {
    id: a.id,
    parent_id: v.parent_id ?? null,
    title: v.title ?? null,
    type: v.type,
    comment: v.comment ?? null,
    additional: (v.additional ?? null) as Json,
    schedule_from: iso(state, v.schedule_from),
    schedule_to: iso(state, v.schedule_to),
    is_done: v.is_done,
    user: user ? adminUserResource(state, user) : null,
    files: [],
    participants,
    location: v.location ?? null,
    created_at: iso(state, a.created_at),
    updated_at: iso(state, a.updated_at),
  };
}

export function stageResource(s: StageRow): Record<string, unknown> {
  return {
    id: s.id,
    code: s.code,
    name: s.name,
    lead_value: null,
    formatted_lead_value: '$0.00',
    is_user_defined: null,
    created_at: null,
    updated_at: null,
  };
}

export function pipelineResource(state: State, p: PipelineRow): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    is_default: p.is_default,
    rotten_days: p.rotten_days,
    stages: state.stagesOf(p.id).map(stageResource),
    created_at: iso(state, p.created_at),
    updated_at: iso(state, p.updated_at),
  };
}

export function namedResource(state: State, r: NamedRow): Record<string, unknown> {
  return { id: r.id, name: r.name, created_at: iso(state, r.created_at), updated_at: iso(state, r.updated_at) };
}

export function attributeResource(state: State, a: AttributeRow): Record<string, unknown> {
  return {
    id: a.id,
    code: a.code,
    name: a.name,
    type: a.type,
    lookup_type: a.lookup_type,
    entity_type: a.entity_type,
    sort_order: a.sort_order,
    validation: a.validation,
    is_required: a.is_required,
    is_unique: a.is_unique,
    quick_add: a.quick_add,
    is_user_defined: a.is_user_defined,
    options: state.attributeOptions
      .filter((o) => o.attribute_id === a.id)
      .map((o) => ({ id: o.id, name: o.name, sort_order: o.sort_order, attribute_id: o.attribute_id })),
    created_at: iso(state, a.created_at),
    updated_at: iso(state, a.updated_at),
  };
}
