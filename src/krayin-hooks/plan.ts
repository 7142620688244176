/**
 * What `krayin-hooks install` wants in Krayin for one connection, and how to get there from what is
 * there (pure; cli.ts does the calls). Our objects are recognised by their name prefix
 * `chatwoot-krayin-sync:<connection>:`, so a second install updates instead of duplicating, and objects
 * of other connections or of the operator are never touched.
 *
 * - Two webhooks, one per entity (`leads`, `persons`), POSTing `entity=<type>` to the hint URL. No
 *   placeholders: the hint needs no contact data, so Krayin sends none. `headers: []` (null headers make
 *   every triggering update a 500 in Krayin), payload non-empty (a null payload makes Krayin skip the call).
 * - Six workflows, one per event, each with the single action `trigger_webhook` -> its entity's webhook.
 */
import type { KrayinWebhook, KrayinWorkflow, WebhookInput, WorkflowInput } from '../krayin/automation-schemas';

export type HookEntity = 'leads' | 'persons';

export const HOOK_EVENTS: ReadonlyArray<{ event: string; entity: HookEntity }> = [
  { event: 'lead.create.after', entity: 'leads' },
  { event: 'lead.update.after', entity: 'leads' },
  { event: 'lead.delete.before', entity: 'leads' },
  { event: 'contacts.person.create.after', entity: 'persons' },
  { event: 'contacts.person.update.after', entity: 'persons' },
  { event: 'contacts.person.delete.before', entity: 'persons' },
];

const ENTITIES: readonly HookEntity[] = ['leads', 'persons'];
/** Krayin's varchar(255) `end_point` (validated `max:255`). */
export const END_POINT_MAX = 255;
const DESCRIPTION = 'Managed by chatwoot-krayin-sync (krayin-hooks install): a hint to poll Krayin now.';

export function namePrefix(connectionId: string): string {
  return `chatwoot-krayin-sync:${connectionId}:`;
}

export function webhookName(connectionId: string, entity: HookEntity): string {
  return `${namePrefix(connectionId)}${entity}`;
}

export function workflowName(connectionId: string, event: string): string {
  return `${namePrefix(connectionId)}${event}`;
}

/** `<public url>/webhooks/krayin/<connection>/<token>` (the route of src/ingest/krayin-hint-route.ts). */
export function hintUrl(publicUrl: string, connectionId: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/krayin/${encodeURIComponent(connectionId)}/${token}`;
}

/** The URL as it may be printed: the token replaced. */
export function maskedUrl(url: string, token: string): string {
  return token ? url.split(token).join('***') : url;
}

export function desiredWebhook(connectionId: string, entity: HookEntity, url: string): WebhookInput {
  return {
    name: webhookName(connectionId, entity),
    entity_type: entity,
    description: DESCRIPTION,
    method: 'post',
    end_point: url,
    headers: [],
    // Krayin always sends form fields, whatever this says; the field names the entity for the poll.
    payload_type: 'x-www-form-urlencoded',
    raw_payload_type: 'json',
    payload: [{ key: 'entity', value: entity }],
  };
}

export function desiredWorkflow(
  connectionId: string,
  event: string,
  entity: HookEntity,
  webhookId: number,
): WorkflowInput {
  return {
    name: workflowName(connectionId, event),
    description: DESCRIPTION,
    entity_type: entity,
    event,
    condition_type: 'and',
    conditions: [],
    actions: [{ id: 'trigger_webhook', value: webhookId }],
  };
}

/** Everything we send is read back except the workflow's event (Krayin echoes entity_type there). */
export function webhookMatches(have: KrayinWebhook, want: WebhookInput): boolean {
  return (
    have.entity_type === want.entity_type &&
    have.description === want.description &&
    have.method.toLowerCase() === want.method &&
    have.end_point === want.end_point &&
    have.payload_type === want.payload_type &&
    have.raw_payload_type === want.raw_payload_type &&
    sameKeyValues(have.headers, want.headers) &&
    sameKeyValues(have.payload, want.payload)
  );
}

function sameKeyValues(
  have: Array<{ key: string; value: string }> | null,
  want: Array<{ key: string; value: string }>,
) {
  return (
    have !== null &&
    have.length === want.length &&
    have.every((kv, i) => kv.key === want[i]?.key && kv.value === want[i]?.value)
  );
}

export type Step<I> =
  | { kind: 'create'; name: string; input: I }
  | { kind: 'update'; id: number; name: string; input: I }
  | { kind: 'unchanged'; id: number; name: string; input: I }
  | { kind: 'delete'; id: number; name: string };

/**
 * For each wanted object: the lowest-id existing one of that name is updated (or kept when `matches`),
 * others of that name are deleted (a crash between two creates), and objects of our prefix that are no
 * longer wanted are deleted.
 */
export function planObjects<E extends { id: number; name: string }, I extends { name: string }>(
  prefix: string,
  existing: readonly E[],
  wanted: readonly I[],
  matches: (have: E, want: I) => boolean,
): Array<Step<I>> {
  const ours = existing.filter((e) => e.name.startsWith(prefix)).sort((a, b) => a.id - b.id);
  const steps: Array<Step<I>> = [];
  const used = new Set<number>();
  for (const want of wanted) {
    const same = ours.filter((e) => e.name === want.name);
    const keep = same[0];
    if (!keep) {
      steps.push({ kind: 'create', name: want.name, input: want });
      continue;
    }
    used.add(keep.id);
    steps.push({ kind: matches(keep, want) ? 'unchanged' : 'update', id: keep.id, name: want.name, input: want });
  }
  for (const e of ours) if (!used.has(e.id)) steps.push({ kind: 'delete', id: e.id, name: e.name });
  return steps;
}

export function desiredWebhooks(connectionId: string, url: string): WebhookInput[] {
  return ENTITIES.map((entity) => desiredWebhook(connectionId, entity, url));
}

export function desiredWorkflows(connectionId: string, webhookIds: Record<HookEntity, number>): WorkflowInput[] {
  return HOOK_EVENTS.map(({ event, entity }) => desiredWorkflow(connectionId, event, entity, webhookIds[entity]));
}

/**
 * A workflow cannot be compared fully (its event is not readable), so install always rewrites ours:
 * never "unchanged", a PUT that restores the event if someone edited it in Krayin's UI.
 */
export function workflowMatches(): boolean {
  return false;
}

export interface HookStatus {
  webhooks: Array<{ name: string; id: number | null; state: 'ok' | 'missing' | 'differs' }>;
  workflows: Array<{ name: string; id: number | null; state: 'ok' | 'missing' | 'differs' }>;
  /** Any webhook (ours or not) stored with null headers: every update that triggers it answers 500. */
  nullHeaders: Array<{ id: number; name: string }>;
}

/** What `krayin-hooks status` reports: is every object there, and pointing where it should? */
export function hookStatus(
  connectionId: string,
  url: string | null,
  webhooks: readonly KrayinWebhook[],
  workflows: readonly KrayinWorkflow[],
): HookStatus {
  const byName = <T extends { id: number; name: string }>(rows: readonly T[], name: string) =>
    rows.filter((r) => r.name === name).sort((a, b) => a.id - b.id)[0];
  const hookIds: Partial<Record<HookEntity, number>> = {};
  const hookRows = ENTITIES.map((entity) => {
    const name = webhookName(connectionId, entity);
    const have = byName(webhooks, name);
    if (!have) return { name, id: null, state: 'missing' as const };
    hookIds[entity] = have.id;
    const ok = url === null ? have.headers !== null : webhookMatches(have, desiredWebhook(connectionId, entity, url));
    return { name, id: have.id, state: ok ? ('ok' as const) : ('differs' as const) };
  });
  const flowRows = HOOK_EVENTS.map(({ event, entity }) => {
    const name = workflowName(connectionId, event);
    const have = byName(workflows, name);
    if (!have) return { name, id: null, state: 'missing' as const };
    const target = have.actions.find((a) => a.id === 'trigger_webhook')?.value;
    const ok = have.entity_type === entity && hookIds[entity] !== undefined && Number(target) === hookIds[entity];
    return { name, id: have.id, state: ok ? ('ok' as const) : ('differs' as const) };
  });
  return {
    webhooks: hookRows,
    workflows: flowRows,
    nullHeaders: webhooks.filter((w) => w.headers === null).map((w) => ({ id: w.id, name: w.name })),
  };
}
