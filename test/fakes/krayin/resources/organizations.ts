/**
 * /contacts/organizations. Names are unique case-insensitively (text attribute, unicode_ci), the
 * index filter `?name=` is exact, case-insensitive and split at commas; there is no /search.
 * GET of an unknown id is a 500, PUT a 404, DELETE a 200 "delete failed"; deleting sets the
 * persons' organization_id to NULL. Organizations write no system activities.
 */
import { attributeRules, saveAttributeValues } from '../attributes';
import { ok, type Ctx, type Reply } from '../context';
import { duplicateEntryError, foreignKeyError, insertSql, updateSql } from '../db-errors';
import { KrayinError } from '../errors';
import { listIndex } from '../index-query';
import { ciEquals, mysqlInt, mysqlNumber, mysqlText } from '../mysql';
import { isObject, type Json } from '../php';
import { organizationResource, viewOf, type ModelView } from '../presenters';
import type { RouteDef } from '../routes';
import type { OrganizationRow } from '../state';
import { wallNow } from '../time';
import { validate } from '../validation';

const MODEL = 'Webkul\\Contact\\Models\\Organization';
const FILLABLE = ['name', 'address', 'user_id'];
const FILE = '/var/www/krayin/packages/Webkul/Contact/src/Repositories/OrganizationRepository.php';

function pick(data: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => FILLABLE.includes(k)));
}

function text(v: Json): string | null {
  if (Array.isArray(v) || isObject(v)) throw KrayinError.php('ErrorException', 'Array to string conversion', FILE, 40);
  return mysqlText(v);
}

function checkRow(ctx: Ctx, row: OrganizationRow, sql: string): void {
  if (row.user_id !== null && !ctx.state.user(row.user_id))
    throw foreignKeyError('organizations', 'user_id', 'users', 'SET NULL', sql);
  const dup = ctx.state.organizations.find((o) => o.id !== row.id && ciEquals(o.name, row.name));
  if (dup) throw duplicateEntryError('organizations', 'name', row.name, sql);
}

/** OrganizationRepository::create (also used by a person's `organization_name`). */
export function createOrganization(ctx: Ctx, data: Record<string, Json>): ModelView {
  const filled = pick(data);
  const now = wallNow(ctx.tz);
  const row: OrganizationRow = {
    id: 0,
    // Non-strict MySQL stores '' for an omitted NOT NULL column.
    name: 'name' in filled ? (text(filled.name as Json) ?? '') : '',
    address: 'address' in filled ? (filled.address as Json) : null,
    user_id: 'user_id' in filled ? mysqlInt(filled.user_id) : null,
    created_at: now,
    updated_at: now,
  };
  const sql = insertSql('organizations', { ...filled, updated_at: now, created_at: now });
  row.id = ctx.state.nextId('organizations');
  checkRow(ctx, row, sql);
  ctx.state.organizations.push(row);
  saveAttributeValues(ctx, 'organizations', row.id, { ...data, entity_type: 'organizations' });
  return { entity: 'organizations', id: row.id, attrs: { ...filled, id: row.id, created_at: now, updated_at: now } };
}

/** PersonRepository::createOrganization: find by exact (ci) name or create an empty-address one. */
export function findOrCreateByName(ctx: Ctx, name: Json): OrganizationRow {
  const wanted = String(name);
  const found = ctx.state.organizations.find((o) => ciEquals(o.name, wanted));
  if (found) return found;
  const view = createOrganization(ctx, {
    name: wanted,
    entity_type: 'organizations',
    address: { address: '', country: '', state: '', city: '', postcode: '' },
    user_id: 1,
  });
  return ctx.state.organization(view.id) as OrganizationRow;
}

function requestData(ctx: Ctx): Record<string, Json> {
  return { ...ctx.req.input, entity_type: 'organizations' };
}

function index(ctx: Ctx): Reply {
  return ok(
    listIndex(ctx, {
      sql: 'organizations',
      rows: ctx.state.organizations,
      present: (o) => organizationResource(ctx.state, viewOf('organizations', o)),
    }),
  );
}

function show(ctx: Ctx): Reply {
  const org = ctx.state.organization(mysqlNumber(ctx.req.params.id));
  if (!org) throw KrayinError.nullResource();
  return ok({ data: organizationResource(ctx.state, viewOf('organizations', org)) });
}

function store(ctx: Ctx): Reply {
  const data = requestData(ctx);
  validate(data, attributeRules(ctx.state, 'organizations', data, { prefix: '', excludeId: null, request: data }));
  const view = createOrganization(ctx, data);
  return ok({ data: organizationResource(ctx.state, view), message: 'Organization created successfully.' });
}

function update(ctx: Ctx): Reply {
  const data = requestData(ctx);
  const id = ctx.req.params.id as string;
  validate(data, attributeRules(ctx.state, 'organizations', data, { prefix: '', excludeId: id, request: data }));
  const org = ctx.state.organization(mysqlNumber(id));
  if (!org) throw KrayinError.modelNotFound(MODEL, id);
  const filled = pick(data);
  const next: OrganizationRow = { ...org };
  if ('name' in filled) next.name = text(filled.name as Json) ?? '';
  if ('address' in filled) next.address = filled.address as Json;
  if ('user_id' in filled) next.user_id = mysqlInt(filled.user_id);
  checkRow(ctx, next, updateSql('organizations', filled, org.id));
  const dirty = JSON.stringify({ ...next, updated_at: null }) !== JSON.stringify({ ...org, updated_at: null });
  if (dirty) next.updated_at = wallNow(ctx.tz);
  Object.assign(org, next);
  saveAttributeValues(ctx, 'organizations', org.id, data);
  const view: ModelView = { entity: 'organizations', id: org.id, attrs: { ...org, ...filled } };
  return ok({ data: organizationResource(ctx.state, view), message: 'Organization updated successfully.' });
}

function destroy(ctx: Ctx): Reply {
  const org = ctx.state.organization(mysqlNumber(ctx.req.params.id));
  // The controller catches the failure and answers 200 anyway (JsonResource ignores its status).
  if (!org) return ok({ data: { message: 'Organization delete failed.' } });
  const s = ctx.state;
  s.attributeValues = s.attributeValues.filter((v) => !(v.entity_type === 'organizations' && v.entity_id === org.id));
  s.organizations = s.organizations.filter((o) => o.id !== org.id);
  // persons.organization_id is ON DELETE SET NULL (their attribute value keeps the old id).
  for (const p of s.persons) if (p.organization_id === org.id) p.organization_id = null;
  return ok({ data: { message: 'Organization deleted successfully.' } });
}

export const organizationRoutes: RouteDef[] = [
  { method: 'GET', path: '/contacts/organizations', handler: index },
  { method: 'GET', path: '/contacts/organizations/{id}', handler: show },
  { method: 'POST', path: '/contacts/organizations', handler: store },
  { method: 'PUT', path: '/contacts/organizations/{id}', handler: update },
  { method: 'DELETE', path: '/contacts/organizations/{id}', handler: destroy },
];
