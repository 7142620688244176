/**
 * /leads. The `lead_pipeline_stage_id` key is mandatory (absent: 500, null: 422, unknown: 404) and
 * the pipeline always follows the stage. `expected_close_date` must be Y-m-d after yesterday and
 * is wiped by any update that omits it (a stage move only wipes the column; GET still shows the
 * date kept in attribute_values). A won/lost stage sets closed_at, any other stage clears it.
 * `person: {id}` links an existing person (404 if unknown), a `person` without id is created
 * (no contact_numbers needed). The create response echoes `lead_value` as sent.
 */
import { attributeRules, expectedCloseDateRules, saveAttributeValues } from '../attributes';
import { fireEvent } from '../automation';
import { ok, type Ctx, type Reply } from '../context';
import { foreignKeyError, insertSql, updateSql } from '../db-errors';
import { KrayinError } from '../errors';
import { listIndex } from '../index-query';
import { mysqlDecimal4, mysqlInt, mysqlNumber, mysqlText } from '../mysql';
import { isObject, phpTruthy, type Json } from '../php';
import { activityResource, leadResource, viewOf, type ModelView } from '../presenters';
import type { RouteDef } from '../routes';
import { searchRows } from '../search';
import type { LeadRow, StageRow } from '../state';
import { deleteLinkedActivities, logChange, logCreated, timeline } from '../timeline';
import { isoFromWall, wallFromInput, wallNow } from '../time';
import { validate } from '../validation';
import { createPerson } from './persons';

const LEAD_MODEL = 'Webkul\\Lead\\Models\\Lead';
const STAGE_MODEL = 'Webkul\\Lead\\Models\\Stage';
const PERSON_MODEL = 'Webkul\\Contact\\Models\\Person';
const CONTROLLER = '/var/www/krayin/vendor/krayin/rest-api/src/Http/Controllers/V1/Lead/LeadController.php';
const FILLABLE = [
  'title',
  'description',
  'lead_value',
  'status',
  'lost_reason',
  'expected_close_date',
  'closed_at',
  'user_id',
  'person_id',
  'lead_source_id',
  'lead_type_id',
  'lead_pipeline_id',
  'lead_pipeline_stage_id',
];
/** Lead columns that are not attributes: the Lead model logs their changes itself (column order). */
const PLAIN_COLUMNS = ['status', 'lost_reason', 'closed_at', 'person_id'] as const;

function pick(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => FILLABLE.includes(k)));
}

function text(v: unknown): string | null {
  if (Array.isArray(v) || isObject(v)) {
    throw KrayinError.php('ErrorException', 'Array to string conversion', CONTROLLER, 100);
  }
  return mysqlText(v);
}

/** The leads row a set of filled attributes produces (MySQL conversions, date cast, wall times). */
function applyColumns(row: LeadRow, filled: Record<string, unknown>, tz: string): void {
  for (const [k, v] of Object.entries(filled)) {
    switch (k) {
      case 'title':
        row.title = text(v) ?? '';
        break;
      case 'description':
      case 'lost_reason':
        row[k] = text(v);
        break;
      case 'lead_value':
        row.lead_value = v === '' ? null : mysqlDecimal4(v);
        break;
      case 'status':
        row.status = mysqlInt(v);
        break;
      case 'expected_close_date':
        row.expected_close_date = phpTruthy(v) ? wallFromInput(v, tz).slice(0, 10) : null;
        break;
      case 'closed_at':
        row.closed_at = phpTruthy(v) ? wallFromInput(v, tz) : null;
        break;
      default:
        (row as unknown as Record<string, number | null>)[k] = mysqlInt(v);
    }
  }
}

/** The model's in-memory attributes: values as set, through the date/datetime casts. */
function echoAttrs(filled: Record<string, unknown>, row: LeadRow): Record<string, unknown> {
  const out = { ...filled };
  if ('expected_close_date' in out) out.expected_close_date = row.expected_close_date;
  if ('closed_at' in out) out.closed_at = row.closed_at;
  return out;
}

function checkForeignKeys(ctx: Ctx, row: LeadRow, sql: string): void {
  const s = ctx.state;
  const fks: Array<[keyof LeadRow, boolean, string, 'SET NULL' | 'CASCADE' | 'RESTRICT']> = [
    ['user_id', !!s.user(row.user_id), 'users', 'SET NULL'],
    ['person_id', !!s.person(row.person_id), 'persons', 'RESTRICT'],
    ['lead_source_id', !!s.sources.find((x) => x.id === row.lead_source_id), 'lead_sources', 'RESTRICT'],
    ['lead_type_id', !!s.types.find((x) => x.id === row.lead_type_id), 'lead_types', 'RESTRICT'],
    ['lead_pipeline_id', !!s.pipeline(row.lead_pipeline_id), 'lead_pipelines', 'CASCADE'],
    ['lead_pipeline_stage_id', !!s.stage(row.lead_pipeline_stage_id), 'lead_pipeline_stages', 'CASCADE'],
  ];
  for (const [col, exists, ref, onDelete] of fks) {
    if (row[col] !== null && !exists) throw foreignKeyError('leads', col, ref, onDelete, sql);
  }
}

function requestData(ctx: Ctx): Record<string, Json> {
  return { ...ctx.req.input, entity_type: 'leads' };
}

/** LeadForm: lead attributes, the expected_close_date rule, then the person attributes. */
function validateLead(ctx: Ctx, data: Record<string, Json>, leadId: unknown): void {
  const person = isObject(data.person) ? data.person : {};
  validate(data, [
    ...attributeRules(ctx.state, 'leads', data, { prefix: '', excludeId: leadId, request: data }),
    ...expectedCloseDateRules(ctx.tz),
    ...attributeRules(ctx.state, 'persons', person, { prefix: 'person.', excludeId: person.id ?? null, request: data }),
  ]);
}

/** The controller's stage handling: findOrFail, or the default pipeline's first stage when falsy. */
function resolveStage(ctx: Ctx, data: Record<string, unknown>, line: number): StageRow {
  if (!('lead_pipeline_stage_id' in data)) {
    throw KrayinError.php('ErrorException', 'Undefined array key "lead_pipeline_stage_id"', CONTROLLER, line);
  }
  if (phpTruthy(data.lead_pipeline_stage_id)) {
    const stage = ctx.state.stage(mysqlNumber(data.lead_pipeline_stage_id));
    if (!stage) throw KrayinError.modelNotFound(STAGE_MODEL, data.lead_pipeline_stage_id);
    data.lead_pipeline_id = stage.lead_pipeline_id;
    return stage;
  }
  const pipeline = ctx.state.pipelines.find((p) => p.is_default) ?? ctx.state.pipelines[0];
  const stage = ctx.state.stagesOf(pipeline?.id ?? 1)[0] as StageRow;
  data.lead_pipeline_id = stage.lead_pipeline_id;
  data.lead_pipeline_stage_id = stage.id;
  return stage;
}

/** `person` in a lead write: link an existing one by id, or create the nested new person. */
function resolvePerson(ctx: Ctx, data: Record<string, unknown>): number | null | undefined {
  const p = data.person;
  if (!isObject(p)) return undefined;
  if (phpTruthy(p.id)) {
    const person = ctx.state.person(mysqlNumber(p.id));
    if (!person) throw KrayinError.modelNotFound(PERSON_MODEL, p.id);
    return person.id;
  }
  return createPerson(ctx, { ...p, entity_type: 'persons' }).id;
}

function index(ctx: Ctx): Reply {
  return ok(
    listIndex(ctx, {
      sql: 'leads',
      rows: ctx.state.leads,
      present: (l) => leadResource(ctx.state, viewOf('leads', l)),
    }),
  );
}

function search(ctx: Ctx): Reply {
  const s = ctx.state;
  const none = { sql: 'none', resolve: () => undefined };
  return ok(
    searchRows(ctx, {
      sql: 'leads',
      modelClass: LEAD_MODEL,
      rows: s.leads,
      fieldsSearchable: [
        'title',
        'lead_value',
        'status',
        'user_id',
        'user.name',
        'person_id',
        'person.name',
        'lead_source_id',
        'lead_type_id',
        'lead_pipeline_id',
        'lead_pipeline_stage_id',
        'created_at',
        'closed_at',
        'expected_close_date',
      ],
      relations: {
        user: { sql: 'users', resolve: (l) => s.user((l as LeadRow).user_id) as never },
        person: { sql: 'persons', resolve: (l) => s.person((l as LeadRow).person_id) as never },
        pipeline: none,
        stage: none,
        source: none,
        type: none,
        tags: none,
        products: none,
        activities: none,
        attribute_values: none,
      },
      present: (l, selected) => {
        const attrs = selected ? Object.fromEntries(selected.map((c) => [c, l[c as keyof LeadRow]])) : { ...l };
        return leadResource(s, { entity: 'leads', id: l.id, attrs: { ...attrs, id: l.id } });
      },
    }),
  );
}

function show(ctx: Ctx): Reply {
  const lead = ctx.state.lead(Number(ctx.req.params.id));
  if (!lead) throw KrayinError.modelNotFound(LEAD_MODEL, ctx.req.params.id);
  return ok({ data: leadResource(ctx.state, viewOf('leads', lead)) });
}

function store(ctx: Ctx): Reply {
  const data: Record<string, unknown> = requestData(ctx);
  validateLead(ctx, data as Record<string, Json>, null);
  data.status = 1;
  const stage = resolveStage(ctx, data, 88);
  const now = wallNow(ctx.tz);
  if (stage.code === 'won' || stage.code === 'lost') data.closed_at = now;
  const personId = resolvePerson(ctx, data);
  const filled = pick({ person_id: personId ?? null, lead_pipeline_id: 1, lead_pipeline_stage_id: 1, ...data });
  const row: LeadRow = {
    id: 0,
    title: '',
    description: null,
    lead_value: null,
    status: null,
    lost_reason: null,
    closed_at: null,
    user_id: null,
    person_id: null,
    lead_source_id: null,
    lead_type_id: null,
    lead_pipeline_id: null,
    lead_pipeline_stage_id: null,
    expected_close_date: null,
    created_at: now,
    updated_at: now,
  };
  applyColumns(row, filled, ctx.tz);
  const sql = insertSql('leads', { ...filled, updated_at: now, created_at: now });
  row.id = ctx.state.nextId('leads');
  checkForeignKeys(ctx, row, sql);
  ctx.state.leads.push(row);
  logCreated(ctx, 'leads', row.id);
  saveAttributeValues(ctx, 'leads', row.id, data as Record<string, Json>);
  const view: ModelView = {
    entity: 'leads',
    id: row.id,
    attrs: { ...echoAttrs(filled, row), id: row.id, created_at: now, updated_at: now },
  };
  fireEvent(ctx, 'lead.create.after', row.id);
  return ok({ data: leadResource(ctx.state, view), message: 'Lead created successfully.' });
}

/** LeadRepository::update; `only` restricts the attribute values saved (the stage endpoint). */
function updateLead(ctx: Ctx, id: unknown, data: Record<string, unknown>, only?: string[]): ModelView {
  const personId = resolvePerson(ctx, data);
  if (personId !== undefined) data = { person_id: personId, ...data };
  if ('lead_pipeline_stage_id' in data && data.lead_pipeline_stage_id !== null) {
    const stage = ctx.state.stage(mysqlNumber(data.lead_pipeline_stage_id));
    const closed = stage?.code === 'won' || stage?.code === 'lost';
    data.closed_at = closed ? (data.closed_at ?? wallNow(ctx.tz)) : null;
  }
  // Krayin 2.1.2 resets expected_close_date whenever an update does not send it.
  data.expected_close_date = data.expected_close_date ?? null;
  const lead = ctx.state.lead(mysqlNumber(id));
  if (!lead) throw KrayinError.modelNotFound(LEAD_MODEL, id);
  const filled = pick(data);
  const before = { ...lead };
  const next: LeadRow = { ...lead };
  applyColumns(next, filled, ctx.tz);
  checkForeignKeys(ctx, next, updateSql('leads', filled, lead.id));
  const dirty = Object.keys(filled).filter(
    (k) => JSON.stringify(next[k as keyof LeadRow]) !== JSON.stringify(before[k as keyof LeadRow]),
  );
  if (dirty.length) next.updated_at = wallNow(ctx.tz);
  Object.assign(lead, next);
  for (const col of PLAIN_COLUMNS) {
    if (!dirty.includes(col)) continue;
    // getOriginal() of a datetime-cast column is a Carbon, which JSON-encodes as ISO UTC.
    const old = col === 'closed_at' && before.closed_at ? isoFromWall(before.closed_at, ctx.tz) : before[col];
    logChange(ctx, 'leads', lead.id, col, next[col], old, null);
  }
  const attrs = only
    ? ctx.state.attributes.filter((a) => a.entity_type === 'leads' && only.includes(a.code))
    : undefined;
  saveAttributeValues(ctx, 'leads', lead.id, { ...(data as Record<string, Json>), entity_type: 'leads' }, attrs);
  return {
    entity: 'leads',
    id: lead.id,
    attrs: { ...before, ...echoAttrs(filled, next), updated_at: lead.updated_at },
  };
}

function update(ctx: Ctx): Reply {
  const data: Record<string, unknown> = requestData(ctx);
  const id = ctx.req.params.id as string;
  validateLead(ctx, data as Record<string, Json>, id);
  resolveStage(ctx, data, 118);
  const view = updateLead(ctx, id, data);
  fireEvent(ctx, 'lead.update.after', view.id);
  return ok({ data: leadResource(ctx.state, view), message: 'Lead updated successfully.' });
}

function updateStage(ctx: Ctx): Reply {
  const input = ctx.req.input;
  const value = input.lead_pipeline_stage_id;
  validate(input, [
    [
      'lead_pipeline_stage_id',
      [
        { kind: 'required' },
        {
          kind: 'custom',
          check: (_f, v) =>
            ctx.state.stage(mysqlNumber(v)) && !Array.isArray(v) && !isObject(v)
              ? null
              : 'The selected lead pipeline stage id is invalid.',
        },
      ],
    ],
  ]);
  const id = ctx.req.params.id as string;
  const lead = ctx.state.lead(mysqlNumber(id));
  if (!lead) throw KrayinError.modelNotFound(LEAD_MODEL, id);
  const stage = ctx.state.stagesOf(lead.lead_pipeline_id ?? 0).find((s) => s.id === mysqlNumber(value));
  if (!stage) throw KrayinError.modelNotFound(STAGE_MODEL);
  const view = updateLead(ctx, lead.id, { entity_type: 'leads', lead_pipeline_stage_id: stage.id }, [
    'lead_pipeline_stage_id',
  ]);
  fireEvent(ctx, 'lead.update.after', lead.id);
  return ok({ data: leadResource(ctx.state, view), message: 'Lead updated successfully.' });
}

function destroy(ctx: Ctx): Reply {
  const s = ctx.state;
  const lead = s.lead(mysqlNumber(ctx.req.params.id));
  if (!lead) throw KrayinError.modelNotFound(LEAD_MODEL, ctx.req.params.id);
  fireEvent(ctx, 'lead.delete.before', lead.id);
  deleteLinkedActivities(s, 'leads', lead.id);
  s.attributeValues = s.attributeValues.filter((v) => !(v.entity_type === 'leads' && v.entity_id === lead.id));
  s.leads = s.leads.filter((l) => l.id !== lead.id);
  s.leadTags = s.leadTags.filter((t) => t.entity_id !== lead.id);
  return ok({ data: { message: 'Lead deleted successfully.' } });
}

function activities(ctx: Ctx): Reply {
  const id = mysqlNumber(ctx.req.params.id);
  return ok({ data: timeline(ctx.state, 'leads', id).map((a) => activityResource(ctx.state, a)) });
}

export const leadRoutes: RouteDef[] = [
  { method: 'GET', path: '/leads', handler: index },
  { method: 'GET', path: '/leads/search', handler: search },
  { method: 'GET', path: '/leads/{id}', handler: show, where: { id: /^[0-9]+$/ } },
  { method: 'POST', path: '/leads', handler: store },
  { method: 'PUT', path: '/leads/stage/edit/{id}', handler: updateStage },
  { method: 'PUT', path: '/leads/{id}', handler: update },
  { method: 'DELETE', path: '/leads/{id}', handler: destroy },
  { method: 'GET', path: '/leads/{id}/activities', handler: activities },
];
