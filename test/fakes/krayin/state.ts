/**
 * The fake's database: one array per MySQL table, rows in id order, values as MySQL returns them
 * (INT as numbers, DECIMAL as "1500.0000", DATETIME as wall time in APP_TIMEZONE, JSON decoded).
 * Ids auto-increment per table exactly like InnoDB, so they match the recorded corpus.
 */
import type { Json } from './php';
import type { ColumnKind } from './mysql';
import type { WallTime } from './time';

export interface RoleRow {
  id: number;
  name: string;
  description: string;
  permission_type: string;
  permissions: Json;
}

export interface UserRow {
  id: number;
  name: string;
  email: string;
  password: string;
  status: number;
  view_permission: string;
  role_id: number;
  image: string | null;
  created_at: WallTime;
  updated_at: WallTime;
}

export interface PipelineRow {
  id: number;
  name: string;
  is_default: number;
  rotten_days: number;
  created_at: WallTime;
  updated_at: WallTime;
}

export interface StageRow {
  id: number;
  code: string;
  name: string;
  probability: number;
  sort_order: number;
  lead_pipeline_id: number;
}

/** lead_sources and lead_types. */
export interface NamedRow {
  id: number;
  name: string;
  created_at: WallTime;
  updated_at: WallTime;
}

export type AttributeEntity = 'persons' | 'organizations' | 'leads' | 'products' | 'quotes' | 'warehouses';

export interface AttributeRow {
  id: number;
  code: string;
  name: string;
  type: string;
  lookup_type: string | null;
  entity_type: AttributeEntity;
  sort_order: number | null;
  validation: string | null;
  is_required: number;
  is_unique: number;
  quick_add: number;
  is_user_defined: number;
  created_at: WallTime;
  updated_at: WallTime;
}

export interface AttributeOptionRow {
  id: number;
  name: string;
  sort_order: number;
  attribute_id: number;
}

/** attribute_values.<column> per attribute type (CustomAttribute::$attributeTypeFields). */
export type ValueColumn =
  'text_value' | 'boolean_value' | 'integer_value' | 'float_value' | 'datetime_value' | 'date_value' | 'json_value';

export interface AttributeValueRow {
  id: number;
  entity_type: AttributeEntity;
  entity_id: number;
  attribute_id: number;
  column: ValueColumn;
  /** The column's value as MySQL returns it. */
  value: unknown;
}

export interface PersonRow {
  id: number;
  name: string;
  emails: Json;
  contact_numbers: Json | null;
  job_title: string | null;
  user_id: number | null;
  organization_id: number | null;
  unique_id: string | null;
  created_at: WallTime;
  updated_at: WallTime;
}

export interface OrganizationRow {
  id: number;
  name: string;
  address: Json | null;
  user_id: number | null;
  created_at: WallTime;
  updated_at: WallTime;
}

export interface LeadRow {
  id: number;
  title: string;
  description: string | null;
  lead_value: string | null;
  status: number | null;
  lost_reason: string | null;
  closed_at: WallTime | null;
  user_id: number | null;
  person_id: number | null;
  lead_source_id: number | null;
  lead_type_id: number | null;
  lead_pipeline_id: number | null;
  lead_pipeline_stage_id: number | null;
  expected_close_date: string | null;
  created_at: WallTime;
  updated_at: WallTime;
}

export interface ActivityRow {
  id: number;
  parent_id: number | null;
  title: string | null;
  type: string;
  comment: string | null;
  additional: Json;
  schedule_from: WallTime | null;
  schedule_to: WallTime | null;
  is_done: number;
  user_id: number | null;
  location: string | null;
  created_at: WallTime;
  updated_at: WallTime;
}

export interface ParticipantRow {
  id: number;
  activity_id: number;
  user_id: number | null;
  person_id: number | null;
}

export interface TokenRow {
  id: number;
  user_id: number;
  /** sha256 hex of the plaintext part (Sanctum stores only the hash). */
  hash: string;
  name: string;
}

export interface Pivot {
  entity_id: number;
  activity_id: number;
}

/** tags (Webkul\Tag): name is unique; `color` and `user_id` as the API stores them. */
export interface TagRow {
  id: number;
  name: string;
  color: string | null;
  user_id: number | null;
  created_at: WallTime;
  updated_at: WallTime;
}

/** person_tags / lead_tags pivots: attaching a tag does not touch the record's updated_at. */
export interface TagPivot {
  entity_id: number;
  tag_id: number;
}

/** webhooks (Webkul\Automation): headers/payload/query_params are JSON lists of {key, value}, or NULL. */
export interface WebhookRow {
  id: number;
  name: string;
  entity_type: string;
  description: string | null;
  method: string;
  end_point: string;
  query_params: Json | null;
  headers: Json | null;
  payload_type: string;
  raw_payload_type: string;
  payload: Json | null;
  created_at: WallTime;
  updated_at: WallTime;
}

/** workflows (Webkul\Automation): `event` is what the listener matches; conditions/actions JSON. */
export interface WorkflowRow {
  id: number;
  name: string;
  description: string | null;
  entity_type: string;
  event: string;
  condition_type: string;
  conditions: Json | null;
  actions: Json | null;
  created_at: WallTime;
  updated_at: WallTime;
}

/** A call Krayin's WebhookService makes (synchronously, inside the triggering request). */
export interface WebhookCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** form_params, in order. */
  form: Array<[string, string]>;
  /** The event that triggered it, e.g. "contacts.person.update.after". */
  event: string;
  /** Filled in once sent: the receiver's status, or the transport error (Krayin only logs either). */
  status?: number;
  error?: string;
}

/** Tables with an auto-increment counter. */
export type TableName =
  | 'users'
  | 'pipelines'
  | 'stages'
  | 'sources'
  | 'types'
  | 'attributes'
  | 'attribute_options'
  | 'attribute_values'
  | 'persons'
  | 'organizations'
  | 'leads'
  | 'activities'
  | 'participants'
  | 'tags'
  | 'tokens'
  | 'webhooks'
  | 'workflows';

export class State {
  roles: RoleRow[] = [];
  users: UserRow[] = [];
  pipelines: PipelineRow[] = [];
  stages: StageRow[] = [];
  sources: NamedRow[] = [];
  types: NamedRow[] = [];
  attributes: AttributeRow[] = [];
  attributeOptions: AttributeOptionRow[] = [];
  attributeValues: AttributeValueRow[] = [];
  persons: PersonRow[] = [];
  organizations: OrganizationRow[] = [];
  leads: LeadRow[] = [];
  activities: ActivityRow[] = [];
  participants: ParticipantRow[] = [];
  leadActivities: Pivot[] = [];
  personActivities: Pivot[] = [];
  tokens: TokenRow[] = [];
  tags: TagRow[] = [];
  personTags: TagPivot[] = [];
  leadTags: TagPivot[] = [];
  webhooks: WebhookRow[] = [];
  workflows: WorkflowRow[] = [];
  /** Webhook calls of the current request, sent by the server before it answers (automation.ts). */
  outbox: WebhookCall[] = [];
  /** Every webhook call made, oldest first. */
  webhookCalls: WebhookCall[] = [];
  private readonly counters = new Map<TableName, number>();

  constructor(
    /** APP_TIMEZONE */
    readonly tz: string,
    /** When the install ran: the timestamps of every seeded row. */
    readonly installedAt: WallTime,
  ) {}

  /** InnoDB auto-increment: never reused, consumed even by inserts that then fail on a key. */
  nextId(table: TableName): number {
    const id = this.counters.get(table) ?? 1;
    this.counters.set(table, id + 1);
    return id;
  }

  setNextId(table: TableName, next: number): void {
    this.counters.set(table, next);
  }

  user(id: unknown): UserRow | undefined {
    return this.users.find((u) => u.id === id);
  }
  person(id: unknown): PersonRow | undefined {
    return this.persons.find((p) => p.id === id);
  }
  organization(id: unknown): OrganizationRow | undefined {
    return this.organizations.find((o) => o.id === id);
  }
  lead(id: unknown): LeadRow | undefined {
    return this.leads.find((l) => l.id === id);
  }
  activity(id: unknown): ActivityRow | undefined {
    return this.activities.find((a) => a.id === id);
  }
  stage(id: unknown): StageRow | undefined {
    return this.stages.find((s) => s.id === id);
  }
  pipeline(id: unknown): PipelineRow | undefined {
    return this.pipelines.find((p) => p.id === id);
  }
  /** Stages of a pipeline in pipeline order (sort_order, then id). */
  stagesOf(pipelineId: number): StageRow[] {
    return this.stages
      .filter((s) => s.lead_pipeline_id === pipelineId)
      .sort((a, b) => a.sort_order - b.sort_order || a.id - b.id);
  }
}

/** Column kinds of every table an index route can filter or sort (unknown column = SQL 500). */
export const COLUMNS: Record<string, Record<string, ColumnKind>> = {
  persons: {
    id: 'int',
    name: 'text',
    emails: 'json',
    contact_numbers: 'json',
    job_title: 'text',
    user_id: 'int',
    organization_id: 'int',
    unique_id: 'text',
    created_at: 'datetime',
    updated_at: 'datetime',
  },
  organizations: {
    id: 'int',
    name: 'text',
    address: 'json',
    user_id: 'int',
    created_at: 'datetime',
    updated_at: 'datetime',
  },
  leads: {
    id: 'int',
    title: 'text',
    description: 'text',
    lead_value: 'decimal',
    status: 'int',
    lost_reason: 'text',
    closed_at: 'datetime',
    user_id: 'int',
    person_id: 'int',
    lead_source_id: 'int',
    lead_type_id: 'int',
    lead_pipeline_id: 'int',
    lead_pipeline_stage_id: 'int',
    expected_close_date: 'date',
    created_at: 'datetime',
    updated_at: 'datetime',
  },
  activities: {
    id: 'int',
    parent_id: 'int',
    title: 'text',
    type: 'text',
    comment: 'text',
    additional: 'json',
    schedule_from: 'datetime',
    schedule_to: 'datetime',
    is_done: 'int',
    user_id: 'int',
    location: 'text',
    created_at: 'datetime',
    updated_at: 'datetime',
  },
  lead_sources: { id: 'int', name: 'text', created_at: 'datetime', updated_at: 'datetime' },
  webhooks: {
    id: 'int',
    name: 'text',
    entity_type: 'text',
    description: 'text',
    method: 'text',
    end_point: 'text',
    query_params: 'json',
    headers: 'json',
    payload_type: 'text',
    raw_payload_type: 'text',
    payload: 'json',
    created_at: 'datetime',
    updated_at: 'datetime',
  },
  workflows: {
    id: 'int',
    name: 'text',
    description: 'text',
    entity_type: 'text',
    event: 'text',
    condition_type: 'text',
    conditions: 'json',
    actions: 'json',
    created_at: 'datetime',
    updated_at: 'datetime',
  },
  tags: { id: 'int', name: 'text', color: 'text', user_id: 'int', created_at: 'datetime', updated_at: 'datetime' },
  lead_types: { id: 'int', name: 'text', created_at: 'datetime', updated_at: 'datetime' },
  lead_pipelines: {
    id: 'int',
    name: 'text',
    is_default: 'int',
    rotten_days: 'int',
    created_at: 'datetime',
    updated_at: 'datetime',
  },
  users: {
    id: 'int',
    name: 'text',
    email: 'text',
    password: 'text',
    status: 'int',
    view_permission: 'text',
    role_id: 'int',
    image: 'text',
    remember_token: 'text',
    created_at: 'datetime',
    updated_at: 'datetime',
  },
  attributes: {
    id: 'int',
    code: 'text',
    name: 'text',
    type: 'text',
    lookup_type: 'text',
    entity_type: 'text',
    sort_order: 'int',
    validation: 'text',
    is_required: 'int',
    is_unique: 'int',
    quick_add: 'int',
    is_user_defined: 'int',
    created_at: 'datetime',
    updated_at: 'datetime',
  },
};
