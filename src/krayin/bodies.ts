/**
 * Request bodies, built from the typed inputs of api.ts with every Krayin write rule applied
 * (src/krayin/README.md §4, §7, §9-§13): column limits, the contact_numbers placeholder, keys that must always be sent,
 * timezone-correct datetimes. Custom attribute codes are top-level keys; the standard fields are set after
 * them, so an attribute map can never overwrite e.g. `emails`.
 */
import type { ActivityInput, EmailValue, LeadInput, OrganizationInput, PersonInput } from './api';
import { toKrayinWallTime } from './datetime';
import { KrayinValidationError } from './errors';
import { htmlText, varchar } from './limits';
import type { KrayinLeadProduct } from './schemas';

type Body = Record<string, unknown>;

/**
 * Krayin crashes (500 / empty 200) on a person create or update whose `contact_numbers` is missing,
 * empty or starts with a null value; this entry is accepted, stored empty and exempt from uniqueness.
 */
export const NO_PHONE_PLACEHOLDER: readonly EmailValue[] = Object.freeze([{ value: '', label: 'work' }]);

/** Krayin requires a label on every email/phone row. */
function labelled(rows: readonly EmailValue[]): EmailValue[] {
  return rows.map((r) => ({ value: r.value, label: r.label || 'work' }));
}

function setIfDefined(body: Body, key: string, value: unknown): void {
  if (value !== undefined) body[key] = value;
}

/**
 * Body for POST/PUT /contacts/persons, and for a new person nested in a lead create (`nested`: Krayin
 * does not need contact_numbers there, so none is invented). `user_id` is set when given: updatePerson
 * always resolves it first, because an omitted user_id wipes the sales owner.
 */
export function personBody(input: PersonInput, mode: 'write' | 'nested' = 'write'): Body {
  const body: Body = { ...(input.attributes ?? {}) };
  body.name = varchar(input.name);
  body.emails = labelled(input.emails);
  const phones = input.contact_numbers.filter((p) => p.value !== '');
  if (phones.length > 0) body.contact_numbers = labelled(phones);
  else if (mode === 'write') body.contact_numbers = NO_PHONE_PLACEHOLDER.map((p) => ({ ...p }));
  setIfDefined(body, 'job_title', varchar(input.job_title));
  // Only sent when given: an omitted organization_id keeps the current one.
  setIfDefined(body, 'organization_id', input.organization_id);
  setIfDefined(body, 'user_id', input.user_id);
  return body;
}

export function organizationBody(input: OrganizationInput): Body {
  const body: Body = { ...(input.attributes ?? {}) };
  body.name = varchar(input.name);
  setIfDefined(body, 'address', input.address);
  setIfDefined(body, 'user_id', input.user_id);
  return body;
}

export interface LeadBodyExtras {
  /** `{id}` to link an existing person, or a new nested person body (creates only). */
  person?: Body;
  /** The lead's current product rows: a full PUT deletes every row it does not resend. */
  products?: KrayinLeadProduct[];
}

/**
 * Product rows in the shape LeadRepository::update keeps them: keyed by the lead-product row id, with
 * their product, price, quantity and amount unchanged. Rows without a product id cannot be resent.
 */
export function productsBody(rows: KrayinLeadProduct[]): Record<string, Body> | undefined {
  const out: Record<string, Body> = {};
  for (const r of rows) {
    if (!r.product) continue;
    out[String(r.id)] = {
      product_id: r.product.id,
      name: r.product.name ?? null,
      price: r.price ?? 0,
      quantity: r.quantity ?? 1,
      amount: r.amount ?? null,
    };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Body for POST /leads and PUT /leads/{id}. `lead_pipeline_stage_id` is always present (Krayin 500s
 * without the key). `expected_close_date: null` is sent as an omitted key: omission is how Krayin
 * clears it, while null may trip its `date_format:Y-m-d` rule.
 */
export function leadBody(input: LeadInput, extras: LeadBodyExtras = {}): Body {
  const body: Body = { ...(input.attributes ?? {}) };
  // Title is "required when present": an empty one is a 422, an omitted one keeps what Krayin has.
  if (input.title.trim() !== '') body.title = varchar(input.title);
  setIfDefined(body, 'description', htmlText(input.description));
  setIfDefined(body, 'lead_value', input.lead_value);
  setIfDefined(body, 'lead_source_id', input.lead_source_id);
  setIfDefined(body, 'lead_type_id', input.lead_type_id);
  setIfDefined(body, 'lead_pipeline_id', input.lead_pipeline_id);
  body.lead_pipeline_stage_id = input.lead_pipeline_stage_id;
  setIfDefined(body, 'user_id', input.user_id);
  if (input.expected_close_date) body.expected_close_date = input.expected_close_date;
  setIfDefined(body, 'person', extras.person);
  const products = extras.products ? productsBody(extras.products) : undefined;
  setIfDefined(body, 'products', products);
  return body;
}

function wallTime(endpoint: string, field: string, value: Date | null | undefined, timeZone: string) {
  if (value === undefined || value === null) return value;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new KrayinValidationError(endpoint, { [field]: ['not a valid date'] }, `${endpoint}: ${field} is invalid`);
  }
  return toKrayinWallTime(value, timeZone);
}

/**
 * Body for POST /activities and PUT /activities/{id} (partial: only given keys are sent). Schedules are
 * converted to `Y-m-d H:i:s` in Krayin's timezone, because Krayin drops offsets instead of converting.
 * `is_done` is sent as given, though Krayin ignores it on create (forces 1 for notes, 0 otherwise).
 */
export function activityBody(endpoint: string, input: Partial<ActivityInput>, timeZone: string): Body {
  const body: Body = {};
  setIfDefined(body, 'type', input.type);
  setIfDefined(body, 'title', varchar(input.title));
  setIfDefined(body, 'comment', htmlText(input.comment));
  // A JSON string: Krayin 2.1.2 has no cast on this JSON column, and its create binds an object as an
  // array ("Array to string conversion", a 500); a string is stored as is and decoded on every read.
  setIfDefined(body, 'additional', input.additional == null ? input.additional : JSON.stringify(input.additional));
  setIfDefined(body, 'schedule_from', wallTime(endpoint, 'schedule_from', input.schedule_from, timeZone));
  setIfDefined(body, 'schedule_to', wallTime(endpoint, 'schedule_to', input.schedule_to, timeZone));
  setIfDefined(body, 'location', varchar(input.location));
  setIfDefined(body, 'is_done', input.is_done);
  setIfDefined(body, 'lead_id', input.lead_id);
  setIfDefined(body, 'person_id', input.person_id);
  setIfDefined(body, 'participants', input.participants);
  return body;
}
