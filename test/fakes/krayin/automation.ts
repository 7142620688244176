/**
 * Krayin's workflow automation as far as webhooks go (Automation WorkflowServiceProvider, Listeners/Entity,
 * Helpers/Validator, Helpers/Entity/AbstractEntity::triggerWebhook, Services/WebhookService):
 *
 * - a controller event (`contacts.person.update.after`, `lead.delete.before`, ...) runs every workflow
 *   whose `event` matches, with the helper of the workflow's `entity_type`; its conditions are checked
 *   against the record; each `trigger_webhook` action calls its webhook;
 * - end_point, and the JSON text of payload and headers, get `{%<entity>.<code>%}` placeholders replaced
 *   by attribute labels (names for lookups, "$2,500.50", "bob@example.com (work)"); `{%persons.id%}` is
 *   no attribute and stays literal;
 * - the call is synchronous, form-encoded (Guzzle form_params), no timeout, answer ignored;
 * - the traps: `headers` NULL -> formatHeaders(null) is a TypeError, which no `catch (\Exception)`
 *   catches: the request answers 500 although its write is saved (for *.delete.before: nothing is
 *   deleted). `payload` NULL -> a warning (ErrorException) that the action's catch swallows: no call.
 *
 * Difference from Krayin: the fake queues the call (state.outbox) and the server sends it after the
 * handler, before answering, so a delete.before call arrives after the record is gone (Krayin calls
 * before deleting). Only webhook actions run; activity and quote events are not fired.
 */
import type { Ctx } from './context';
import { KrayinError } from './errors';
import { attributeLabel } from './labels';
import { isObject, phpJsonEncode, phpToString, type Json } from './php';
import type { State, WebhookCall, WorkflowRow } from './state';

const SERVICE = '/var/www/krayin/packages/Webkul/Automation/src/Services/WebhookService.php';

type EntityType = 'persons' | 'leads';

/** Which helper a workflow's entity_type selects (config workflows.trigger_entities). */
const ENTITY_OF_EVENT: Record<string, EntityType> = {
  'contacts.person.create.after': 'persons',
  'contacts.person.update.after': 'persons',
  'contacts.person.delete.before': 'persons',
  'lead.create.after': 'leads',
  'lead.update.after': 'leads',
  'lead.delete.before': 'leads',
};

/** Dispatches one controller event. Throws (a PHP TypeError) exactly where Krayin's request would 500. */
export function fireEvent(ctx: Ctx, event: string, entityId: number): void {
  const s = ctx.state;
  const eventEntity = ENTITY_OF_EVENT[event];
  if (!eventEntity) return;
  for (const workflow of s.workflows.filter((w) => w.event === event)) {
    const entityType =
      workflow.entity_type === 'persons' || workflow.entity_type === 'leads' ? workflow.entity_type : null;
    // Activities and quotes helpers are not modelled; another entity_type makes app(null) fail in Krayin.
    if (entityType === null) continue;
    const record = recordOf(s, entityType, entityId);
    if (!conditionsHold(s, workflow, entityType, record)) continue;
    for (const action of actionsOf(workflow)) {
      if (action.id !== 'trigger_webhook') continue;
      const call = webhookCall(s, Number(action.value), entityType, record, event);
      if (call) s.outbox.push(call);
    }
  }
}

function recordOf(s: State, entityType: EntityType, id: number): Record<string, unknown> | null {
  const row = entityType === 'persons' ? s.person(id) : s.lead(id);
  return (row as Record<string, unknown> | undefined) ?? null;
}

function actionsOf(w: WorkflowRow): Array<{ id: unknown; value: unknown }> {
  const list = Array.isArray(w.actions) ? w.actions : isObject(w.actions) ? Object.values(w.actions) : [];
  return list.filter(isObject).map((a) => ({ id: a.id, value: a.value }));
}

/** The value `$entity->{code}` reads: a column, else a custom attribute value. */
function valueOf(s: State, entityType: EntityType, record: Record<string, unknown>, code: string): unknown {
  if (code in record) return record[code];
  const attribute = s.attributes.find((a) => a.entity_type === entityType && a.code === code);
  if (!attribute) return null;
  return (
    s.attributeValues.find(
      (v) => v.entity_type === entityType && v.entity_id === record.id && v.attribute_id === attribute.id,
    )?.value ?? null
  );
}

/** Helpers/Validator::validate for the operators a hint workflow may use; no conditions = true. */
function conditionsHold(s: State, w: WorkflowRow, entityType: EntityType, record: Record<string, unknown> | null) {
  const conditions = (Array.isArray(w.conditions) ? w.conditions : []).filter(isObject);
  const active = conditions.filter(
    (c) => phpToString(c.attribute ?? null) !== '' && phpToString(c.value ?? null) !== '',
  );
  if (active.length === 0) return true;
  if (!record) return false;
  const results = active.map((c) => {
    const have = phpToString(valueOf(s, entityType, record, phpToString(c.attribute ?? null)) as Json);
    const want = phpToString(c.value ?? null);
    switch (c.operator) {
      case '==':
        return have === want;
      case '!=':
        return have !== want;
      case '{}':
        return have.includes(want);
      case '!{}':
        return !have.includes(want);
      default:
        return false;
    }
  });
  return w.condition_type === 'or' ? results.some(Boolean) : results.every(Boolean);
}

/** AbstractEntity::replacePlaceholders over every attribute of the entity (none skipped). */
export function replacePlaceholders(
  s: State,
  entityType: EntityType,
  record: Record<string, unknown> | null,
  content: string,
): string {
  let out = content;
  for (const attribute of s.attributes.filter((a) => a.entity_type === entityType)) {
    const raw = record ? valueOf(s, entityType, record, attribute.code) : null;
    const label = attributeLabel(s, raw, attribute);
    const text = label === null || label === undefined ? '' : phpToString(label as Json);
    for (const token of [`{%${entityType}.${attribute.code}%}`, `{% ${entityType}.${attribute.code} %}`]) {
      out = out.split(token).join(text);
    }
  }
  return out;
}

/** triggerWebhook + WebhookService: the call, or null when an \Exception in between skips it. */
function webhookCall(
  s: State,
  webhookId: number,
  entityType: EntityType,
  record: Record<string, unknown> | null,
  event: string,
): WebhookCall | null {
  const webhook = s.webhooks.find((w) => w.id === webhookId);
  // findOrFail's ModelNotFoundException and a missing record's warnings are caught by the action.
  if (!webhook || !record) return null;
  const endPoint = replacePlaceholders(s, entityType, record, webhook.end_point);
  const payload = decode(replacePlaceholders(s, entityType, record, phpJsonEncode(webhook.payload)));
  const headers = decode(replacePlaceholders(s, entityType, record, phpJsonEncode(webhook.headers)));
  // formatHeaders(array $headers) with null: a TypeError, which escapes every catch (\Exception).
  if (!Array.isArray(headers) && !isObject(headers)) {
    throw KrayinError.php(
      'TypeError',
      `Webkul\\Automation\\Services\\WebhookService::formatHeaders(): Argument #1 ($headers) must be of type array, ${headers === null ? 'null' : typeof headers} given, called in ${SERVICE} on line 31`,
      SERVICE,
      54,
    );
  }
  const headerMap: Record<string, string> = {};
  for (const h of Object.values(headers)) {
    if (!isObject(h) || !('key' in h) || !('value' in h)) return null; // "Undefined array key": caught
    headerMap[phpToString(h.key ?? null)] = phpToString(h.value ?? null);
  }
  // formatPayload(null): foreach over null is a warning -> ErrorException, caught by the action.
  if (!Array.isArray(payload) && !isObject(payload)) return null;
  const form: Array<[string, string]> = [];
  if (isObject(payload) && 'key' in payload && 'value' in payload) {
    form.push([phpToString(payload.key ?? null), phpToString(payload.value ?? null)]);
  } else {
    for (const [k, item] of Object.entries(payload)) {
      if (Array.isArray(item) || isObject(item)) {
        const kv = item as Record<string, Json>;
        if (!('key' in kv) || !('value' in kv)) return null;
        form.push([phpToString(kv.key ?? null), phpToString(kv.value ?? null)]);
      } else {
        form.push([k, phpToString(item)]);
      }
    }
  }
  return { method: webhook.method.toUpperCase(), url: endPoint, headers: headerMap, form, event };
}

function decode(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return null;
  }
}

/** Guzzle: form_params as application/x-www-form-urlencoded (http_build_query), no timeout. */
export async function sendWebhookCall(call: WebhookCall): Promise<void> {
  const body = new URLSearchParams(call.form).toString();
  try {
    const res = await fetch(call.url, {
      method: call.method,
      headers: {
        'User-Agent': 'GuzzleHttp/7',
        'Content-Type': 'application/x-www-form-urlencoded',
        ...call.headers,
      },
      body: call.method === 'GET' || call.method === 'HEAD' ? undefined : body,
      redirect: 'manual',
    });
    call.status = res.status;
    await res.arrayBuffer();
  } catch (err) {
    // Krayin catches RequestException and only logs it: the user's request goes on.
    call.error = err instanceof Error ? err.message : String(err);
  }
}

/** Krayin's installer seeds two activity workflows (WorkflowSeeder), so the first one created is id 3. */
export function seedAutomation(s: State, now: string): void {
  const emailParticipants = (id: number, what: 'creation' | 'updation', event: string): WorkflowRow => ({
    id,
    name: `Emails to participants after activity ${what}`,
    description: `Emails to participants after activity ${what}`,
    entity_type: 'activities',
    event,
    condition_type: 'and',
    conditions: [
      { value: ['call', 'meeting', 'lunch'], operator: '{}', attribute: 'type', attribute_type: 'multiselect' },
    ],
    actions: [{ id: 'send_email_to_participants', value: String(id) }],
    created_at: now,
    updated_at: now,
  });
  s.workflows.push(
    emailParticipants(1, 'creation', 'activity.create.after'),
    emailParticipants(2, 'updation', 'activity.update.after'),
  );
  s.setNextId('workflows', 3);
}
