/**
 * The Krayin operations the product uses. `KrayinClient` (client.ts) implements this over HTTP;
 * activities depend on this interface only. Shapes follow Krayin 2.1 (src/krayin/README.md §1-§11).
 *
 * Contract for every method: it resolves with a parsed, zod-checked value or rejects with one of
 * the errors in errors.ts. No method retries on its own (Temporal activities own retries).
 */

export interface EmailValue {
  value: string;
  label: string;
}
export type PhoneValue = EmailValue;

export interface KrayinUser {
  id: number;
  name: string;
  email: string;
  status: number;
  view_permission: string;
}

export interface KrayinAddress {
  address?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  postcode?: string | null;
}

export interface KrayinOrganization {
  id: number;
  name: string | null;
  address: KrayinAddress | null;
  created_at: string;
  updated_at: string;
}

export interface KrayinPerson {
  id: number;
  name: string | null;
  emails: EmailValue[] | null;
  contact_numbers: PhoneValue[] | null;
  job_title: string | null;
  /** Absent (undefined) when the person has no organization. */
  organization?: KrayinOrganization;
  /** Absent (undefined) when the person has no sales owner. */
  sales_owner?: KrayinUser;
  created_at: string;
  updated_at: string;
}

export interface KrayinLead {
  id: number;
  title: string | null;
  description: string | null;
  /** "1000.0000" on reads; echoes the sent JSON type on create. */
  lead_value: string | number | null;
  status: number;
  lost_reason: string | null;
  closed_at: string | null;
  user: KrayinUser | null;
  person: KrayinPerson | null;
  lead_source_id: number | null;
  lead_type_id: number | null;
  lead_pipeline_id: number | null;
  lead_pipeline_stage_id: number | null;
  expected_close_date: string | null;
  created_at: string;
  updated_at: string;
}

/** Who logged an activity (Krayin's Admin UserResource: its `updated_at` holds the name, so only these two). */
export interface KrayinActivityUser {
  id: number;
  name: string;
}

export interface KrayinActivity {
  id: number;
  title: string | null;
  type: string;
  comment: string | null;
  additional: unknown;
  schedule_from: string | null;
  schedule_to: string | null;
  is_done: number;
  location: string | null;
  /** The Krayin user who created it (the token's user for API writes); absent from older readers. */
  user?: KrayinActivityUser | null;
  created_at: string;
  updated_at: string;
}

export interface KrayinStage {
  id: number;
  code: string;
  name: string;
}

export interface KrayinPipeline {
  id: number;
  name: string;
  is_default: number;
  /** In pipeline order (Krayin returns stages sorted by sort_order). */
  stages: KrayinStage[];
}

export interface KrayinNamed {
  id: number;
  name: string;
}

export interface KrayinAttribute {
  id: number;
  code: string;
  name: string;
  type: string;
  entity_type: string;
  lookup_type: string | null;
  is_required: number | boolean | null;
  is_unique: number | boolean | null;
  is_user_defined: number | boolean | null;
  options: { id: number; name: string }[];
}

/** A Krayin tag (settings/tags): names are unique. */
export interface KrayinTag {
  id: number;
  name: string;
}

/** The index routes whose ids a full reconciliation pages through (src/reconcile/krayin-deletions.ts). */
export type KrayinIndexedRecords = 'persons' | 'leads' | 'organizations';

/** One page of an index route, ids only, in id order. */
export interface KrayinIdPage {
  ids: number[];
  /** Krayin reports no page after this one (`meta.current_page >= meta.last_page`). */
  last: boolean;
}

/** One page of persons or leads, most recently updated first (the two-way sync's poll). */
export interface KrayinUpdatedPage<T> {
  rows: T[];
  /** Krayin reports no page after this one. */
  last: boolean;
}

export interface PersonsByIdentity {
  byEmail: KrayinPerson[];
  byPhone: KrayinPerson[];
}

/** Body for person create/update. Custom attribute codes go in `attributes` and are sent as top-level keys. */
export interface PersonInput {
  name: string;
  /** Lower-cased by the caller. Must not be empty: Krayin requires an email. */
  emails: EmailValue[];
  /** May be empty: the client then sends Krayin's required `[{"value":"","label":"work"}]` placeholder. */
  contact_numbers: PhoneValue[];
  job_title?: string | null;
  organization_id?: number | null;
  /** Sales owner. Always resent on update (Krayin wipes it when omitted). */
  user_id?: number | null;
  attributes?: Record<string, unknown>;
}

export interface OrganizationInput {
  name: string;
  address?: KrayinAddress;
  user_id?: number | null;
  attributes?: Record<string, unknown>;
}

/** Full lead state. `lead_pipeline_stage_id` is mandatory on every lead write. */
export interface LeadInput {
  title: string;
  description?: string | null;
  lead_value?: number | string | null;
  lead_source_id?: number | null;
  lead_type_id?: number | null;
  lead_pipeline_id?: number | null;
  lead_pipeline_stage_id: number;
  user_id?: number | null;
  /** `YYYY-MM-DD` in Krayin's timezone; resent on every update (Krayin wipes it when omitted). */
  expected_close_date?: string | null;
  attributes?: Record<string, unknown>;
}

export interface ActivityInput {
  type: string;
  title?: string | null;
  comment?: string | null;
  /** JSON object stored verbatim; we keep our idempotency marker here. */
  additional?: Record<string, unknown> | null;
  /** Instants; the client converts them to Krayin wall time (`Y-m-d H:i:s` in the connection timezone). */
  schedule_from?: Date | null;
  schedule_to?: Date | null;
  location?: string | null;
  is_done?: 0 | 1;
  lead_id?: number;
  person_id?: number;
  participants?: { users: number[]; persons: number[] };
}

export interface KrayinApi {
  // -- identity / lookups
  getCurrentUser(): Promise<KrayinUser>;
  listPipelines(): Promise<KrayinPipeline[]>;
  listSources(): Promise<KrayinNamed[]>;
  listTypes(): Promise<KrayinNamed[]>;
  listUsers(): Promise<KrayinUser[]>;
  /** All attributes of one entity type (Krayin cannot filter this server-side). */
  listAttributes(entityType: 'persons' | 'organizations' | 'leads'): Promise<KrayinAttribute[]>;

  // -- persons
  /** Persons whose emails contain exactly this address (case-insensitive), post-filtered from Krayin's substring search. */
  findPersonsByEmail(email: string): Promise<KrayinPerson[]>;
  /** Persons with a phone number equal to this one after normalisation (digits compared), post-filtered. */
  findPersonsByPhone(phoneE164: string): Promise<KrayinPerson[]>;
  /**
   * Both lookups of a new contact in one request where Krayin allows it: `byEmail` is complete;
   * `byPhone` is complete whenever `byEmail` is empty (it may be left empty otherwise).
   */
  findPersonsByIdentity(email: string, phoneE164: string | null): Promise<PersonsByIdentity>;
  /** null when Krayin has no such person (Krayin answers a miss with 500 / empty 200, not 404). */
  getPerson(id: number): Promise<KrayinPerson | null>;
  createPerson(input: PersonInput): Promise<KrayinPerson>;
  /** Throws KrayinNotFoundError when the person no longer exists. Response may be stale (Krayin quirk). */
  updatePerson(id: number, input: PersonInput): Promise<KrayinPerson>;
  /** Hard delete. Krayin refuses (500) while a lead refers to the person: the caller checks first. */
  deletePerson(id: number): Promise<void>;

  // -- organizations
  /** Exact, case-insensitive name match; correct for names containing commas. */
  findOrganizationsByName(name: string): Promise<KrayinOrganization[]>;
  getOrganization(id: number): Promise<KrayinOrganization | null>;
  createOrganization(input: OrganizationInput): Promise<KrayinOrganization>;
  updateOrganization(id: number, input: OrganizationInput): Promise<KrayinOrganization>;

  // -- leads
  /** All leads of a person (every page), newest first. */
  findLeadsByPerson(personId: number): Promise<KrayinLead[]>;
  getLead(id: number): Promise<KrayinLead | null>;
  /** Create a lead for an existing person, or (personId absent) with a new nested person. */
  createLead(input: LeadInput, person: { id: number } | PersonInput): Promise<KrayinLead>;
  /** Full-state update (stage, expected_close_date always sent). Throws KrayinNotFoundError. */
  updateLead(id: number, input: LeadInput): Promise<KrayinLead>;
  /** Stage-only move through PUT /leads/stage/edit/{id}: wipes no other field. */
  moveLeadStage(id: number, stageId: number): Promise<KrayinLead>;

  // -- tags
  /** Tags named exactly `name` (case-sensitive post-filter of Krayin's exact `?name=` filter). */
  findTagsByName(name: string): Promise<KrayinTag[]>;
  /** Throws KrayinValidationError (unique) when the name is taken. */
  createTag(name: string): Promise<KrayinTag>;
  /** Krayin attaches a tag only once, so a repeat is harmless. */
  attachTag(record: { type: 'person' | 'lead'; id: number }, tagId: number): Promise<void>;

  // -- id pages (the full reconciliation's Krayin-side deletion check)
  /** Page `page` (1-based) of an index route sorted by id ascending, `limit` rows, ids only. */
  listIdPage(records: KrayinIndexedRecords, page: number, limit: number): Promise<KrayinIdPage>;
  /**
   * The same page of persons (id ascending) with the whole rows: the two-way id scan diffs the ids and
   * compares the values from one request. Krayin sends whole rows either way (no field selection).
   */
  listPersonsByIdPage(page: number, limit: number): Promise<KrayinUpdatedPage<KrayinPerson>>;

  // -- recently updated pages (the two-way sync's poll: Krayin has no "updated since" filter)
  /** Page `page` (1-based) of persons sorted by updated_at descending, `limit` rows. */
  listPersonsByUpdate(page: number, limit: number): Promise<KrayinUpdatedPage<KrayinPerson>>;
  /** Page `page` (1-based) of leads sorted by updated_at descending, `limit` rows. */
  listLeadsByUpdate(page: number, limit: number): Promise<KrayinUpdatedPage<KrayinLead>>;

  /**
   * Page `page` (1-based) of activities of the given types sorted by updated_at descending (`type=call,note`
   * filter; Krayin returns no lead or person link here, src/krayin/README.md).
   */
  listActivitiesByUpdate(
    page: number,
    limit: number,
    types: readonly string[],
  ): Promise<KrayinUpdatedPage<KrayinActivity>>;

  // -- activities
  createActivity(input: ActivityInput): Promise<KrayinActivity>;
  updateActivity(id: number, input: Partial<ActivityInput>): Promise<KrayinActivity>;
  getActivity(id: number): Promise<KrayinActivity | null>;
  /** Lead timeline, system rows included (filter by `type`). */
  listLeadActivities(leadId: number): Promise<KrayinActivity[]>;
  listPersonActivities(personId: number): Promise<KrayinActivity[]>;
}
