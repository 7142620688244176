/**
 * Krayin's own `system` activities (Activity/Traits/LogsActivity.php). Persons and leads log:
 * - "Created" when the row is inserted (before any attribute row);
 * - "Updated <Attribute name>" for every attribute value created or changed, in attribute id order,
 *   with `additional: {attribute, new: {value, label}, old: {value, label}}`;
 * - "Updated <column>" for a changed column that is not an attribute (a lead's closed_at, a
 *   person's unique_id), written before the attribute rows of the same update.
 * Values go through decodeValueIfJson and are compared with PHP's loose `!=`, so 0 vs null writes
 * nothing and emails are logged with their keys sorted. These rows consume activity ids.
 */
import type { Ctx } from './context';
import { attributeLabel } from './labels';
import { decodeValueIfJson, phpLooseEq, type Json } from './php';
import type { ActivityRow, AttributeRow, Pivot, State } from './state';
import { wallNow } from './time';

export type LoggedEntity = 'persons' | 'leads';

export function pivotOf(state: State, entity: LoggedEntity): Pivot[] {
  return entity === 'persons' ? state.personActivities : state.leadActivities;
}

function insertSystemRow(
  ctx: Ctx,
  entity: LoggedEntity,
  entityId: number,
  title: string,
  additional: Json,
): ActivityRow {
  const now = wallNow(ctx.tz);
  const row: ActivityRow = {
    id: ctx.state.nextId('activities'),
    parent_id: null,
    title,
    type: 'system',
    comment: null,
    additional,
    schedule_from: null,
    schedule_to: null,
    is_done: 1,
    user_id: ctx.user?.id ?? null,
    location: null,
    created_at: now,
    updated_at: now,
  };
  ctx.state.activities.push(row);
  pivotOf(ctx.state, entity).push({ entity_id: entityId, activity_id: row.id });
  return row;
}

export function logCreated(ctx: Ctx, entity: LoggedEntity, entityId: number): void {
  insertSystemRow(ctx, entity, entityId, 'Created', null);
}

/**
 * Logs one change if the decoded values differ loosely. `attribute` is null for plain columns,
 * whose code is then used as the name and whose values are their own labels.
 */
export function logChange(
  ctx: Ctx,
  entity: LoggedEntity,
  entityId: number,
  code: string,
  newValue: unknown,
  oldValue: unknown,
  attribute: AttributeRow | null,
): void {
  const n = decodeValueIfJson(newValue);
  const o = decodeValueIfJson(oldValue);
  if (phpLooseEq(n, o)) return;
  const name = attribute?.name || code;
  insertSystemRow(ctx, entity, entityId, `Updated ${name}`, {
    attribute: name,
    new: { value: n as Json, label: attributeLabel(ctx.state, n, attribute) as Json },
    old: { value: o as Json, label: attributeLabel(ctx.state, o, attribute) as Json },
  });
}

/** Activities linked to a lead or person, newest first (created_at desc, id desc). */
export function timeline(state: State, entity: LoggedEntity, entityId: number): ActivityRow[] {
  const ids = new Set(
    pivotOf(state, entity)
      .filter((p) => p.entity_id === entityId)
      .map((p) => p.activity_id),
  );
  return state.activities
    .filter((a) => ids.has(a.id))
    .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id));
}

/** LogsActivity's `deleting` hook: every activity linked to the entity is deleted with it. */
export function deleteLinkedActivities(state: State, entity: LoggedEntity, entityId: number): void {
  const ids = new Set(
    pivotOf(state, entity)
      .filter((p) => p.entity_id === entityId)
      .map((p) => p.activity_id),
  );
  deleteActivities(state, ids);
}

/** Deletes activities and everything that cascades from them (pivots, participants). */
export function deleteActivities(state: State, ids: Set<number>): void {
  state.activities = state.activities.filter((a) => !ids.has(a.id));
  state.leadActivities = state.leadActivities.filter((p) => !ids.has(p.activity_id));
  state.personActivities = state.personActivities.filter((p) => !ids.has(p.activity_id));
  state.participants = state.participants.filter((p) => !ids.has(p.activity_id));
}
