/**
 * Krayin's automation settings as the REST API returns and accepts them (src/krayin/README.md §14;
 * rest-api WebhookResource / WorkflowResource): webhooks (where Krayin calls) and workflows (when).
 *
 * - `headers`, `payload` and `query_params` are lists of {key, value}; `headers` may be null, and a
 *   webhook stored with null headers makes every update that triggers it answer 500 (Krayin bug): we
 *   always send `[]`.
 * - The WorkflowResource's `event` echoes `entity_type` (Krayin bug): a workflow's event cannot be read
 *   back, so callers must not rely on it.
 */
import { z } from 'zod';

export interface KeyValue {
  key: string;
  value: string;
}

const keyValues = z
  .array(z.object({ key: z.string().nullish(), value: z.unknown() }))
  .nullable()
  .transform((rows) =>
    rows === null ? null : rows.map((r) => ({ key: r.key ?? '', value: r.value == null ? '' : String(r.value) })),
  );

export const webhookSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  entity_type: z.string(),
  description: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  method: z.string(),
  end_point: z.string(),
  query_params: keyValues.optional().transform((v) => v ?? null),
  headers: keyValues.optional().transform((v) => v ?? null),
  payload_type: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  raw_payload_type: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  payload: keyValues.optional().transform((v) => v ?? null),
});
export type KrayinWebhook = z.infer<typeof webhookSchema>;

/** Only `{id, value}` of an action is read (`trigger_webhook` -> the webhook id). */
const action = z.object({ id: z.string(), value: z.unknown().optional() }).loose();

export const workflowSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  entity_type: z.string(),
  /** NOT the event: Krayin's resource echoes entity_type here. */
  event: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  condition_type: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  conditions: z
    .array(z.unknown())
    .nullish()
    .transform((v) => v ?? []),
  actions: z
    .array(action)
    .nullish()
    .transform((v) => v ?? []),
});
export type KrayinWorkflow = z.infer<typeof workflowSchema>;

/** What POST/PUT /settings/webhooks take (every field is validated on update too). */
export interface WebhookInput {
  name: string;
  entity_type: 'leads' | 'persons' | 'activities' | 'quotes';
  description: string;
  /** Guzzle's method, e.g. "post". */
  method: string;
  /** Max 255 characters; placeholders `{%persons.name%}` are substituted; query_params are ignored. */
  end_point: string;
  headers: KeyValue[];
  payload_type: 'default' | 'x-www-form-urlencoded' | 'raw';
  raw_payload_type: 'json' | 'text';
  payload: KeyValue[];
}

/** What POST/PUT /settings/workflows take (only `name` is validated). */
export interface WorkflowInput {
  name: string;
  description: string;
  entity_type: 'leads' | 'persons' | 'activities' | 'quotes';
  event: string;
  condition_type: 'and' | 'or';
  conditions: unknown[];
  actions: Array<{ id: string; value: unknown }>;
}

/** Delete answers: `{message}` (webhooks) or `{data: {message}}` (workflows); only the text is kept. */
export const deleteMessageSchema = z
  .union([z.object({ message: z.string() }), z.object({ data: z.object({ message: z.string() }) })])
  .transform((b) => ('data' in b ? b.data.message : b.message));
