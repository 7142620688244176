/**
 * /activities. Create: `type` is a free string; note needs a comment, every type but note/file
 * needs schedule_from/schedule_to (wall time in APP_TIMEZONE, offsets dropped); is_done is forced
 * (1 for notes, 0 otherwise); one link per create, lead_id winning over person_id. The link is
 * made after the row is inserted, so an unknown lead_id creates the activity and then fails with
 * a 500. Update is partial and unvalidated; `participants` replaces them all; lead_id/person_id
 * attach. Meetings overlapping a participant's activity are refused (302, or 400 with XHR).
 */
import { ok, type Ctx, type Reply } from '../context';
import { checkConstraintError, foreignKeyError, insertSql, updateSql } from '../db-errors';
import { KrayinError } from '../errors';
import { listIndex } from '../index-query';
import { mysqlBool, mysqlInt, mysqlNumber, mysqlText } from '../mysql';
import { isObject, normalizeJsonInput, phpTruthy, type Json } from '../php';
import { activityResource } from '../presenters';
import type { RouteDef } from '../routes';
import type { ActivityRow } from '../state';
import { pivotOf, deleteActivities } from '../timeline';
import { wallFromInput, wallNow } from '../time';
import { validate } from '../validation';

const MODEL = 'Webkul\\Activity\\Models\\Activity';
const LISTENER = '/var/www/krayin/packages/Webkul/Admin/src/Listeners/Activity.php';
const REPO = '/var/www/krayin/packages/Webkul/Activity/src/Repositories/ActivityRepository.php';
const FILLABLE = [
  'title',
  'type',
  'location',
  'comment',
  'additional',
  'schedule_from',
  'schedule_to',
  'is_done',
  'user_id',
];

function text(v: unknown): string | null {
  if (Array.isArray(v) || isObject(v)) throw KrayinError.php('ErrorException', 'Array to string conversion', REPO, 40);
  return mysqlText(v);
}

function pick(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => FILLABLE.includes(k)));
}

/**
 * `additional` is a JSON column (CHECK json_valid) without a model cast. On create, Eloquent binds an
 * array as is: QueryException "Array to string conversion" (a 500, nothing stored); the update path
 * stores arrays as JSON. A string is stored verbatim, so it must be valid JSON; reads json_decode it.
 * (Seen on the real Krayin 2.1.2 by the real-krayin tier; the recorded corpus never sent one.)
 */
function additionalColumn(v: unknown, op: 'insert' | 'update', sql: () => string): Json {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v) || isObject(v)) {
    if (op === 'insert') throw KrayinError.query('Array to string conversion', sql());
    return v as Json;
  }
  try {
    return normalizeJsonInput(JSON.parse(String(v)) as Json); // json_decode($value, true)
  } catch {
    throw checkConstraintError('activities', 'additional', sql());
  }
}

/** The activities row values for filled attributes (datetime cast, MySQL conversions). */
function applyColumns(row: ActivityRow, filled: Record<string, unknown>, tz: string, op: 'insert' | 'update'): void {
  for (const [k, v] of Object.entries(filled)) {
    if (k === 'schedule_from' || k === 'schedule_to') row[k] = phpTruthy(v) ? wallFromInput(v, tz) : null;
    else if (k === 'is_done') row.is_done = mysqlBool(v);
    else if (k === 'user_id') row.user_id = mysqlInt(v);
    else if (k === 'additional')
      row.additional = additionalColumn(v, op, () =>
        op === 'insert'
          ? insertSql('activities', { ...filled, additional: '?' })
          : updateSql('activities', { additional: '?' }, row.id),
      );
    else if (k === 'type') row.type = text(v) ?? '';
    else (row as unknown as Record<string, unknown>)[k] = text(v);
  }
}

/** The in-memory model: values as sent, datetimes through the cast. */
function echoOf(filled: Record<string, unknown>, row: ActivityRow): Partial<Record<keyof ActivityRow, unknown>> {
  const out: Record<string, unknown> = { ...filled };
  if ('schedule_from' in out) out.schedule_from = row.schedule_from;
  if ('schedule_to' in out) out.schedule_to = row.schedule_to;
  if ('additional' in out) out.additional = row.additional; // the resource json_decodes a string
  return out;
}

function participantIds(v: unknown): number[] {
  if (!Array.isArray(v) && !isObject(v)) return [];
  return Object.values(v as Record<string, unknown>).map((x) => mysqlInt(x) ?? 0);
}

/** ActivityRepository: participants are inserted users first, then persons (FK-checked). */
function insertParticipants(ctx: Ctx, activityId: number, participants: unknown): void {
  const p = isObject(participants) ? participants : {};
  for (const [key, column, table] of [
    ['users', 'user_id', 'users'],
    ['persons', 'person_id', 'persons'],
  ] as const) {
    for (const id of participantIds(p[key])) {
      const exists = key === 'users' ? ctx.state.user(id) : ctx.state.person(id);
      const row = {
        id: ctx.state.nextId('participants'),
        activity_id: activityId,
        user_id: null,
        person_id: null,
        [column]: id,
      };
      if (!exists) {
        throw foreignKeyError(
          'activity_participants',
          column,
          table,
          'CASCADE',
          insertSql('activity_participants', { activity_id: activityId, [column]: id }),
        );
      }
      ctx.state.participants.push(row);
    }
  }
}

/** Admin Listeners\Activity: attach to lead_id, else person_id, if not attached yet. */
function link(ctx: Ctx, activityId: number, input: Record<string, Json>): void {
  const attach = (entity: 'leads' | 'persons', id: number) => {
    const pivot = pivotOf(ctx.state, entity);
    if (!pivot.some((p) => p.entity_id === id && p.activity_id === activityId))
      pivot.push({ entity_id: id, activity_id: activityId });
  };
  if (phpTruthy(input.lead_id)) {
    const lead = ctx.state.lead(mysqlNumber(input.lead_id));
    if (!lead) throw KrayinError.php('ErrorException', 'Attempt to read property "activities" on null', LISTENER, 33);
    attach('leads', lead.id);
  } else if (phpTruthy(input.person_id)) {
    const person = ctx.state.person(mysqlNumber(input.person_id));
    if (!person) throw KrayinError.php('ErrorException', 'Attempt to read property "activities" on null', LISTENER, 39);
    attach('persons', person.id);
  }
}

/**
 * ActivityRepository::isDurationOverlapping: another activity starting inside the slot, or
 * running at its start, that shares a participant (any activity at all when none are given).
 */
function overlaps(ctx: Ctx, input: Record<string, Json>, excludeId: number | null): boolean {
  let from: string;
  let to: string;
  try {
    from = wallFromInput(input.schedule_from, ctx.tz);
    to = wallFromInput(input.schedule_to, ctx.tz);
  } catch {
    return false;
  }
  const p = isObject(input.participants) ? input.participants : null;
  const users = p ? participantIds(p.users) : [];
  const persons = p ? participantIds(p.persons) : [];
  return ctx.state.activities.some((a) => {
    if (a.id === excludeId || !a.schedule_from) return false;
    const inSlot =
      (a.schedule_from <= from && (a.schedule_to ?? '') >= from) || (a.schedule_from >= from && a.schedule_from <= to);
    if (!inSlot) return false;
    if (!p || (!('users' in p) && !('persons' in p))) return true;
    return ctx.state.participants.some(
      (x) =>
        x.activity_id === a.id &&
        ((x.user_id !== null && users.includes(x.user_id)) || (x.person_id !== null && persons.includes(x.person_id))),
    );
  });
}

function meetingRefusal(ctx: Ctx): Reply {
  if (String(ctx.req.headers['x-requested-with'] ?? '') === 'XMLHttpRequest') {
    return ok({ message: 'Participants have another meeting at this time.' }, 400);
  }
  const back = String(ctx.req.headers.referer ?? ctx.req.origin);
  return { status: 302, body: null, redirect: back };
}

function index(ctx: Ctx): Reply {
  return ok(
    listIndex(ctx, { sql: 'activities', rows: ctx.state.activities, present: (a) => activityResource(ctx.state, a) }),
  );
}

function find(ctx: Ctx): ActivityRow {
  const a = ctx.state.activity(mysqlNumber(ctx.req.params.id));
  if (!a) throw KrayinError.modelNotFound(MODEL, ctx.req.params.id);
  return a;
}

function show(ctx: Ctx): Reply {
  return ok({ data: activityResource(ctx.state, find(ctx)) });
}

function store(ctx: Ctx): Reply {
  const input = ctx.req.input;
  validate(input, [
    ['type', [{ kind: 'required' }]],
    ['comment', [{ kind: 'required_if', other: 'type', values: ['note'] }]],
    ['schedule_from', [{ kind: 'required_unless', other: 'type', values: ['note', 'file'] }]],
    ['schedule_to', [{ kind: 'required_unless', other: 'type', values: ['note', 'file'] }]],
    ['file', [{ kind: 'required_if', other: 'type', values: ['file'] }]],
  ]);
  if (input.type === 'meeting' && overlaps(ctx, input, null)) return meetingRefusal(ctx);
  const data: Record<string, unknown> = {
    ...input,
    is_done: input.type === 'note' ? 1 : 0,
    user_id: ctx.user?.id ?? null,
  };
  const filled = pick(data);
  const now = wallNow(ctx.tz);
  const row: ActivityRow = {
    id: 0,
    parent_id: null,
    title: null,
    type: '',
    comment: null,
    additional: null,
    schedule_from: null,
    schedule_to: null,
    is_done: 0,
    user_id: null,
    location: null,
    created_at: now,
    updated_at: now,
  };
  applyColumns(row, filled, ctx.tz, 'insert');
  row.id = ctx.state.nextId('activities');
  ctx.state.activities.push(row);
  if (input.participants !== undefined && input.participants !== null)
    insertParticipants(ctx, row.id, input.participants);
  link(ctx, row.id, input);
  return ok({ data: activityResource(ctx.state, row, echoOf(filled, row)), message: 'Activity created successfully.' });
}

function update(ctx: Ctx): Reply {
  const input = ctx.req.input;
  const activity = find(ctx);
  if (input.type === 'meeting' && overlaps(ctx, input, activity.id)) return meetingRefusal(ctx);
  const filled = pick(input);
  const next: ActivityRow = { ...activity };
  applyColumns(next, filled, ctx.tz, 'update');
  if (next.user_id !== null && !ctx.state.user(next.user_id)) {
    throw foreignKeyError(
      'activities',
      'user_id',
      'users',
      'SET NULL',
      `update \`activities\` set \`user_id\` = ${next.user_id} where \`id\` = ${activity.id}`,
    );
  }
  const dirty = Object.keys(filled).some(
    (k) => JSON.stringify(next[k as keyof ActivityRow]) !== JSON.stringify(activity[k as keyof ActivityRow]),
  );
  if (dirty) next.updated_at = wallNow(ctx.tz);
  Object.assign(activity, next);
  if (input.participants !== undefined && input.participants !== null) {
    ctx.state.participants = ctx.state.participants.filter((p) => p.activity_id !== activity.id);
    insertParticipants(ctx, activity.id, input.participants);
  }
  link(ctx, activity.id, input);
  return ok({
    data: activityResource(ctx.state, activity, echoOf(filled, activity)),
    message: 'Activity updated successfully.',
  });
}

function destroy(ctx: Ctx): Reply {
  const a = find(ctx);
  deleteActivities(ctx.state, new Set([a.id]));
  return ok({ message: 'Activity deleted successfully.' });
}

export const activityRoutes: RouteDef[] = [
  { method: 'GET', path: '/activities', handler: index },
  { method: 'GET', path: '/activities/{id}', handler: show },
  { method: 'POST', path: '/activities', handler: store },
  { method: 'PUT', path: '/activities/{id}', handler: update },
  { method: 'DELETE', path: '/activities/{id}', handler: destroy },
];
