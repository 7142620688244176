/**
 * zod schemas for every Krayin response the client reads (shapes: src/krayin/README.md §1-§11, recorded from
 * Krayin 2.1.2). A 2xx body that fails these checks becomes a KrayinAmbiguousError, never a half-typed
 * object. Schemas strip unknown keys and are lenient only where Krayin itself is inconsistent (0/1 flags
 * that may be booleans, labels that may be null); they never invent data.
 */
import { z, type ZodType } from 'zod';
import type {
  KrayinActivity,
  KrayinAttribute,
  KrayinLead,
  KrayinNamed,
  KrayinOrganization,
  KrayinPerson,
  KrayinPipeline,
  KrayinTag,
  KrayinUser,
} from './api';

const id = z.number().int();
const timestamp = z.string();
const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

/** Krayin's 0/1 flags: integers from MySQL, occasionally booleans or numeric strings. */
const flag = z.union([z.number(), z.boolean(), z.string().regex(/^-?\d+$/)]).transform((v) => Number(v));
const nullableFlag = z
  .union([flag, z.null()])
  .optional()
  .transform((v) => v ?? null);

/** `{value,label}` rows of emails and contact_numbers; a null label is read as "". */
const valueLabel = z.object({
  value: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  label: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
});

export const userSchema = z.object({
  id,
  name: z.string(),
  email: z.string(),
  status: flag,
  view_permission: z.string(),
}) satisfies z.ZodType<KrayinUser>;

const addressPart = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === undefined || v === null ? v : String(v)));

/** Krayin stores an unset address as null; a PHP empty array (`[]`) is read as null too. */
const address = z.preprocess(
  (v) => (Array.isArray(v) ? null : v),
  z
    .object({
      address: addressPart,
      city: addressPart,
      state: addressPart,
      country: addressPart,
      postcode: addressPart,
    })
    .nullish()
    .transform((v) => v ?? null),
);

export const organizationSchema = z.object({
  id,
  name: nullableString,
  address,
  created_at: timestamp,
  updated_at: timestamp,
}) satisfies z.ZodType<KrayinOrganization>;

/** Removes keys whose value is undefined, so "absent" stays absent (Krayin omits organization/sales_owner). */
function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export const personSchema = z
  .object({
    id,
    name: nullableString,
    emails: z
      .array(valueLabel)
      .nullish()
      .transform((v) => v ?? null),
    contact_numbers: z
      .array(valueLabel)
      .nullish()
      .transform((v) => v ?? null),
    job_title: nullableString,
    organization: organizationSchema.nullish().transform((v) => v ?? undefined),
    sales_owner: userSchema.nullish().transform((v) => v ?? undefined),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .transform(dropUndefined) satisfies z.ZodType<KrayinPerson>;

const nullableId = id.nullish().transform((v) => v ?? null);

const leadFields = {
  id,
  title: nullableString,
  description: nullableString,
  lead_value: z
    .union([z.string(), z.number()])
    .nullish()
    .transform((v) => v ?? null),
  status: flag,
  lost_reason: nullableString,
  closed_at: nullableString,
  user: userSchema.nullish().transform((v) => v ?? null),
  person: personSchema.nullish().transform((v) => v ?? null),
  lead_source_id: nullableId,
  lead_type_id: nullableId,
  lead_pipeline_id: nullableId,
  lead_pipeline_stage_id: nullableId,
  expected_close_date: nullableString,
  created_at: timestamp,
  updated_at: timestamp,
};

export const leadSchema = z.object(leadFields) satisfies z.ZodType<KrayinLead>;

/** A lead product row as GET /leads/{id} returns it; only what a PUT needs to keep it (see bodies.ts). */
const leadProduct = z.object({
  id,
  quantity: z.union([z.number(), z.string()]).nullish(),
  price: z.union([z.number(), z.string()]).nullish(),
  amount: z.union([z.number(), z.string()]).nullish(),
  product: z.object({ id, name: z.string().nullish() }).nullish(),
});
export type KrayinLeadProduct = z.infer<typeof leadProduct>;

/** The lead plus its product rows: a full PUT deletes every product it does not resend. */
export const leadWithProductsSchema = z.object({
  ...leadFields,
  lead_products: z
    .array(leadProduct)
    .nullish()
    .transform((v) => v ?? []),
});

export const activitySchema = z.object({
  id,
  title: nullableString,
  type: z.string(),
  comment: nullableString,
  additional: z.unknown().transform((v) => v ?? null),
  schedule_from: nullableString,
  schedule_to: nullableString,
  is_done: flag,
  location: nullableString,
  // Admin UserResource (its updated_at holds the name): only id and name are read.
  user: z
    .object({ id, name: z.string() })
    .nullish()
    .transform((v) => (v ? { id: v.id, name: v.name } : null)),
  created_at: timestamp,
  updated_at: timestamp,
}) satisfies z.ZodType<KrayinActivity>;

const stageSchema = z.object({ id, code: z.string(), name: z.string() });

export const pipelineSchema = z.object({
  id,
  name: z.string(),
  is_default: flag,
  stages: z.array(stageSchema),
}) satisfies z.ZodType<KrayinPipeline>;

export const namedSchema = z.object({ id, name: z.string() }) satisfies z.ZodType<KrayinNamed>;

/** TagResource: only id and name are read (color, user and timestamps are dropped). */
export const tagSchema = z.object({ id, name: z.string() }) satisfies z.ZodType<KrayinTag>;

/** Any index row, read for its id only (the full reconciliation's id pages). */
export const idOnlySchema = z.object({ id });

export const attributeSchema = z.object({
  id,
  code: z.string(),
  name: z.string(),
  type: z.string(),
  entity_type: z.string(),
  lookup_type: nullableString,
  is_required: nullableFlag,
  is_unique: nullableFlag,
  is_user_defined: nullableFlag,
  options: z
    .array(z.object({ id, name: z.string() }))
    .nullish()
    .transform((v) => v ?? []),
}) satisfies z.ZodType<KrayinAttribute>;

/** `{"data": T}`: single resources, and create/update answers (`message` is ignored). */
export function item<T>(schema: ZodType<T>): ZodType<T> {
  return z.object({ data: schema }).transform((b) => b.data);
}

/** `{"data": [T]}`: /search endpoints and timelines (not paginated). */
export function list<T>(schema: ZodType<T>): ZodType<T[]> {
  return z.object({ data: z.array(schema) }).transform((b) => b.data);
}

/** One page of an index route; `T` carries an id so pages can be de-duplicated. */
export interface PageOf<T> {
  data: T[];
  meta: { current_page: number; last_page: number };
}

/**
 * Laravel's paginated shape. Only `meta.current_page`/`meta.last_page` are used: `links` drop every
 * query parameter but `page`, so the client never follows them (paging.ts builds page URLs itself).
 */
export function page<T>(schema: ZodType<T>): ZodType<PageOf<T>> {
  return z.object({
    data: z.array(schema),
    meta: z.object({ current_page: z.number().int(), last_page: z.number().int() }),
  });
}

/** Any JSON at all: for requests the API has no typed method for (see KrayinClient.send). */
export const anyJson = z.unknown();

/** The parts of an error body the classifier looks at; anything else is ignored. */
export const errorBodySchema = z.object({
  message: z.unknown().optional(),
  exception: z.unknown().optional(),
  errors: z.unknown().optional(),
});
