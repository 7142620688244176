/**
 * /contacts/persons, with the traps of rest-api 2.1.1 + Krayin 2.1.2:
 * - create/update read `contact_numbers` directly: a missing key is a 500, and after null values
 *   are dropped there must be an element 0 ([] or [{value:null}] is a 500); [{value:""}] works;
 * - `emails` has a DB constraint: omitted is a 500; uniqueness is exact and case-sensitive;
 * - PUT is partial but wipes `user_id` when omitted, and its response shows the organization as it
 *   was before the update;
 * - GET/DELETE of an unknown id are 500s, PUT is a 404; a person with leads cannot be deleted
 *   (500 carrying the success text), yet the delete hooks already removed its activities and
 *   attribute values (no transaction).
 */
import { attributeRules, collectNonNullValues, saveAttributeValues } from '../attributes';
import { fireEvent } from '../automation';
import { ok, type Ctx, type Reply } from '../context';
import { checkConstraintError, duplicateEntryError, foreignKeyError, insertSql, updateSql } from '../db-errors';
import { KrayinError } from '../errors';
import { listIndex } from '../index-query';
import { ciEquals, mysqlInt, mysqlNumber, mysqlText } from '../mysql';
import { isObject, phpToString, phpTruthy, type Json } from '../php';
import { activityResource, personResource, personRowResource, type ModelView } from '../presenters';
import type { RouteDef } from '../routes';
import { searchRows } from '../search';
import type { PersonRow } from '../state';
import { deleteLinkedActivities, logChange, logCreated, timeline } from '../timeline';
import { wallNow } from '../time';
import { validate } from '../validation';
import { findOrCreateByName } from './organizations';

const MODEL = 'Webkul\\Contact\\Models\\Person';
const CONTROLLER =
  '/var/www/krayin/vendor/krayin/rest-api/src/Http/Controllers/V1/Contact/Persons/PersonController.php';
const REPO = '/var/www/krayin/packages/Webkul/Contact/src/Repositories/PersonRepository.php';
const FILLABLE = ['name', 'emails', 'contact_numbers', 'job_title', 'user_id', 'organization_id', 'unique_id'];

function pick(data: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => FILLABLE.includes(k)));
}

function text(v: Json | undefined): string | null {
  if (Array.isArray(v) || isObject(v)) throw KrayinError.php('ErrorException', 'Array to string conversion', REPO, 60);
  return mysqlText(v ?? null);
}

/** `$data['emails'][0]['value'] ?? null` */
function firstEmail(emails: Json | undefined): Json {
  if (Array.isArray(emails) && isObject(emails[0])) return emails[0].value ?? null;
  return null;
}

/** PersonRepository::sanitizeRequestedPersonData */
function sanitize(input: Record<string, Json>): Record<string, Json> {
  const data = { ...input };
  if ('organization_id' in data && !phpTruthy(data.organization_id)) data.organization_id = null;
  const parts = [data.user_id ?? null, data.organization_id ?? null, firstEmail(data.emails)].filter(phpTruthy);
  let uniqueId = parts.map(phpToString).join('|');
  if (data.contact_numbers !== undefined && data.contact_numbers !== null) {
    const numbers = collectNonNullValues(data.contact_numbers, REPO, 176);
    data.contact_numbers = numbers;
    const first = Array.isArray(numbers) ? numbers[0] : (numbers as Record<string, Json>)['0'];
    if (first === undefined) throw KrayinError.php('ErrorException', 'Undefined array key 0', REPO, 179);
    uniqueId += '|' + phpToString((first as Record<string, Json>).value);
  }
  data.unique_id = uniqueId;
  return data;
}

function resolveOrganizationName(ctx: Ctx, data: Record<string, Json>): void {
  if (phpTruthy(data.organization_name)) {
    data.organization_id = findOrCreateByName(ctx, data.organization_name as Json).id;
    delete data.organization_name;
  }
}

function checkRow(ctx: Ctx, row: PersonRow, sql: string): void {
  if (row.user_id !== null && !ctx.state.user(row.user_id))
    throw foreignKeyError('persons', 'user_id', 'users', 'SET NULL', sql);
  if (row.organization_id !== null && !ctx.state.organization(row.organization_id)) {
    throw foreignKeyError('persons', 'organization_id', 'organizations', 'SET NULL', sql);
  }
  const uid = row.unique_id;
  if (
    uid !== null &&
    ctx.state.persons.some((p) => p.id !== row.id && p.unique_id !== null && ciEquals(p.unique_id, uid))
  ) {
    throw duplicateEntryError('persons', 'unique_id', uid, sql);
  }
}

/** PersonRepository::create: also used for the nested new person of a lead. */
export function createPerson(ctx: Ctx, input: Record<string, Json>): ModelView {
  const data = sanitize(input);
  resolveOrganizationName(ctx, data);
  if ('user_id' in data && data.user_id !== null) data.user_id = phpTruthy(data.user_id) ? data.user_id : null;
  const filled = pick(data);
  const now = wallNow(ctx.tz);
  const sql = insertSql('persons', { ...filled, updated_at: now, created_at: now });
  const row: PersonRow = {
    id: 0,
    name: text(filled.name) ?? '',
    emails: (filled.emails ?? null) as Json,
    contact_numbers: 'contact_numbers' in filled ? (filled.contact_numbers as Json) : null,
    job_title: text(filled.job_title),
    user_id: mysqlInt(filled.user_id),
    organization_id: mysqlInt(filled.organization_id),
    unique_id: text(filled.unique_id),
    created_at: now,
    updated_at: now,
  };
  // persons.emails is a NOT NULL JSON column: omitted, MySQL tries '' and the json_valid CHECK fails.
  if (!('emails' in filled) || filled.emails === null) throw checkConstraintError('persons', 'emails', sql);
  row.id = ctx.state.nextId('persons');
  checkRow(ctx, row, sql);
  ctx.state.persons.push(row);
  logCreated(ctx, 'persons', row.id);
  saveAttributeValues(ctx, 'persons', row.id, { ...data, entity_type: 'persons' });
  return { entity: 'persons', id: row.id, attrs: { ...filled, id: row.id, created_at: now, updated_at: now } };
}

/** PersonRepository::update: a partial update that always rewrites user_id and unique_id. */
export function updatePerson(ctx: Ctx, person: PersonRow, input: Record<string, Json>): ModelView {
  const data = sanitize(input);
  data.user_id = phpTruthy(data.user_id) ? (data.user_id as Json) : null;
  resolveOrganizationName(ctx, data);
  const filled = pick(data);
  const before = { ...person };
  const next: PersonRow = { ...person };
  if ('name' in filled) next.name = text(filled.name) ?? '';
  if ('emails' in filled) next.emails = filled.emails as Json;
  if ('contact_numbers' in filled) next.contact_numbers = filled.contact_numbers as Json;
  if ('job_title' in filled) next.job_title = text(filled.job_title);
  if ('user_id' in filled) next.user_id = mysqlInt(filled.user_id);
  if ('organization_id' in filled) next.organization_id = mysqlInt(filled.organization_id);
  next.unique_id = text(filled.unique_id);
  checkRow(ctx, next, updateSql('persons', filled, person.id));
  const dirty = Object.keys(filled).filter(
    (k) => JSON.stringify(next[k as keyof PersonRow]) !== JSON.stringify(before[k as keyof PersonRow]),
  );
  if (dirty.length) next.updated_at = wallNow(ctx.tz);
  Object.assign(person, next);
  // Person's own `updated` event logs the columns that are not attributes.
  if (dirty.includes('unique_id'))
    logChange(ctx, 'persons', person.id, 'unique_id', next.unique_id, before.unique_id, null);
  saveAttributeValues(ctx, 'persons', person.id, { ...data, entity_type: 'persons' });
  return { entity: 'persons', id: person.id, attrs: { ...before, ...filled, updated_at: person.updated_at } };
}

function requestData(ctx: Ctx): Record<string, Json> {
  return { ...ctx.req.input, entity_type: 'persons' };
}

/**
 * The rest-api controller reads `$data['contact_numbers']` itself and drops null values
 * (collect()->filter()): a missing key is a 500, null becomes [], which the repository then
 * fails on ("Undefined array key 0").
 */
function controllerContactNumbers(data: Record<string, Json>): void {
  if (!('contact_numbers' in data)) {
    throw KrayinError.php('ErrorException', 'Undefined array key "contact_numbers"', CONTROLLER, 173);
  }
  data.contact_numbers = collectNonNullValues(data.contact_numbers, CONTROLLER, 173);
}

function index(ctx: Ctx): Reply {
  return ok(
    listIndex(ctx, { sql: 'persons', rows: ctx.state.persons, present: (p) => personRowResource(ctx.state, p) }),
  );
}

function search(ctx: Ctx): Reply {
  const s = ctx.state;
  return ok(
    searchRows(ctx, {
      sql: 'persons',
      modelClass: MODEL,
      rows: s.persons,
      fieldsSearchable: [
        'name',
        'emails',
        'contact_numbers',
        'organization_id',
        'job_title',
        'organization.name',
        'user_id',
        'user.name',
      ],
      relations: {
        organization: {
          sql: 'organizations',
          resolve: (p) => s.organization((p as PersonRow).organization_id) as never,
        },
        user: { sql: 'users', resolve: (p) => s.user((p as PersonRow).user_id) as never },
        attribute_values: { sql: 'attribute_values', resolve: () => undefined },
        activities: { sql: 'activities', resolve: () => undefined },
        leads: { sql: 'leads', resolve: () => undefined },
        tags: { sql: 'tags', resolve: () => undefined },
      },
      present: (p, selected) => {
        const attrs = selected ? Object.fromEntries(selected.map((c) => [c, p[c as keyof PersonRow]])) : { ...p };
        return personResource(s, { entity: 'persons', id: p.id, attrs: { ...attrs, id: p.id } });
      },
    }),
  );
}

function show(ctx: Ctx): Reply {
  const person = ctx.state.person(Number(ctx.req.params.id));
  if (!person) throw KrayinError.nullResource();
  return ok({ data: personRowResource(ctx.state, person) });
}

function store(ctx: Ctx): Reply {
  const data = requestData(ctx);
  validate(data, attributeRules(ctx.state, 'persons', data, { prefix: '', excludeId: null, request: data }));
  controllerContactNumbers(data);
  const view = createPerson(ctx, data);
  fireEvent(ctx, 'contacts.person.create.after', view.id);
  return ok({ data: personResource(ctx.state, view), message: 'Person created successfully.' });
}

function update(ctx: Ctx): Reply {
  const data = requestData(ctx);
  const id = ctx.req.params.id as string;
  validate(data, attributeRules(ctx.state, 'persons', data, { prefix: '', excludeId: id, request: data }));
  controllerContactNumbers(data);
  const person = ctx.state.person(mysqlNumber(id));
  if (!person) throw KrayinError.modelNotFound(MODEL, id);
  const staleOrganizationId = person.organization_id;
  const view = updatePerson(ctx, person, data);
  fireEvent(ctx, 'contacts.person.update.after', person.id);
  return ok({
    data: personResource(ctx.state, view, { organizationId: staleOrganizationId }),
    message: 'Person updated successfully.',
  });
}

function destroy(ctx: Ctx): Reply {
  const s = ctx.state;
  const person = s.person(mysqlNumber(ctx.req.params.id));
  if (!person) {
    throw KrayinError.php(
      'Error',
      '__clone method called on non-object',
      '/var/www/krayin/vendor/prettus/l5-repository/src/Prettus/Repository/Eloquent/BaseRepository.php',
      759,
    );
  }
  fireEvent(ctx, 'contacts.person.delete.before', person.id);
  // `deleting` hooks run before the DELETE and are not rolled back when it fails.
  deleteLinkedActivities(s, 'persons', person.id);
  s.attributeValues = s.attributeValues.filter((v) => !(v.entity_type === 'persons' && v.entity_id === person.id));
  if (s.leads.some((l) => l.person_id === person.id)) {
    // leads.person_id is ON DELETE RESTRICT; the controller catches it and reuses the success text.
    return ok({ message: 'Person deleted successfully.' }, 500);
  }
  s.persons = s.persons.filter((p) => p.id !== person.id);
  s.personTags = s.personTags.filter((t) => t.entity_id !== person.id);
  s.participants = s.participants.filter((p) => p.person_id !== person.id);
  return ok({ message: 'Person deleted successfully.' });
}

function activities(ctx: Ctx): Reply {
  const id = mysqlNumber(ctx.req.params.id);
  return ok({ data: timeline(ctx.state, 'persons', id).map((a) => activityResource(ctx.state, a)) });
}

export const personRoutes: RouteDef[] = [
  { method: 'GET', path: '/contacts/persons', handler: index },
  { method: 'GET', path: '/contacts/persons/search', handler: search },
  { method: 'GET', path: '/contacts/persons/{id}', handler: show, where: { id: /^[0-9]+$/ } },
  { method: 'POST', path: '/contacts/persons', handler: store },
  { method: 'PUT', path: '/contacts/persons/{id}', handler: update },
  { method: 'DELETE', path: '/contacts/persons/{id}', handler: destroy, throttle: { max: 100, decayMs: 3_600_000 } },
  { method: 'GET', path: '/contacts/persons/{id}/activities', handler: activities },
];
