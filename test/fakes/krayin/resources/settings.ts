/**
 * /settings: pipelines (with their stages), lead sources, lead types, users and attributes.
 * Lists are index routes (paginated, filterable, `id desc`); a `find()` miss on show is a 500;
 * the attribute index is not filterable by entity_type and returns every entity's attributes.
 */
import { ATTRIBUTE_TYPES, insertAttribute } from '../attributes';
import { ok, type Ctx, type Reply } from '../context';
import { KrayinError } from '../errors';
import { listIndex } from '../index-query';
import { ciEquals, mysqlInt, mysqlNumber, mysqlText } from '../mysql';
import { isObject, phpToString, phpTruthy, type Json } from '../php';
import { attributeResource, namedResource, pipelineResource, userResource } from '../presenters';
import type { RouteDef } from '../routes';
import { searchRows } from '../search';
import type { AttributeEntity, NamedRow, PipelineRow, StageRow } from '../state';
import { wallNow } from '../time';
import { validate, type Rule } from '../validation';

function uniqueIn(rows: Array<{ id: number; name: string }>, exceptId: number | null, message: string): Rule {
  return {
    kind: 'custom',
    check: (_f, v) => (rows.some((r) => r.id !== exceptId && ciEquals(r.name, phpToString(v))) ? message : null),
  };
}

function byId<T extends { id: number }>(rows: T[], id: unknown): T {
  const row = rows.find((r) => r.id === mysqlNumber(id));
  if (!row) throw KrayinError.nullResource();
  return row;
}

// -- pipelines -------------------------------------------------------------------------------

function writeStages(ctx: Ctx, pipeline: PipelineRow, stages: Json | undefined): void {
  if (!Array.isArray(stages) && !isObject(stages)) return;
  const s = ctx.state;
  const keep = new Set<number>();
  Object.values(stages).forEach((raw, i) => {
    const st = isObject(raw) ? raw : {};
    const existing = s.stages.find((x) => x.lead_pipeline_id === pipeline.id && x.id === mysqlNumber(st.id));
    const values = {
      code: mysqlText(st.code ?? null) ?? '',
      name: mysqlText(st.name ?? null) ?? '',
      probability: mysqlInt(st.probability ?? 0) ?? 0,
      sort_order: st.sort_order === undefined ? i + 1 : (mysqlInt(st.sort_order) ?? i + 1),
    };
    if (existing) {
      Object.assign(existing, values);
      keep.add(existing.id);
    } else {
      const row: StageRow = { id: s.nextId('stages'), lead_pipeline_id: pipeline.id, ...values };
      s.stages.push(row);
      keep.add(row.id);
    }
  });
  s.stages = s.stages.filter((x) => x.lead_pipeline_id !== pipeline.id || keep.has(x.id));
}

function validatePipeline(ctx: Ctx, exceptId: number | null): void {
  validate(ctx.req.input, [
    ['name', [{ kind: 'required' }, uniqueIn(ctx.state.pipelines, exceptId, 'The name has already been taken.')]],
    ['stages.*.code', [{ kind: 'required' }]],
    ['stages.*.name', [{ kind: 'required' }]],
  ]);
}

function setDefault(ctx: Ctx, pipeline: PipelineRow): void {
  if (pipeline.is_default) for (const p of ctx.state.pipelines) if (p.id !== pipeline.id) p.is_default = 0;
}

const pipelines = {
  index: (ctx: Ctx): Reply =>
    ok(
      listIndex(ctx, {
        sql: 'lead_pipelines',
        rows: ctx.state.pipelines,
        present: (p) => pipelineResource(ctx.state, p),
      }),
    ),
  show: (ctx: Ctx): Reply => ok({ data: pipelineResource(ctx.state, byId(ctx.state.pipelines, ctx.req.params.id)) }),
  store: (ctx: Ctx): Reply => {
    validatePipeline(ctx, null);
    const input = ctx.req.input;
    const now = wallNow(ctx.tz);
    const p: PipelineRow = {
      id: ctx.state.nextId('pipelines'),
      name: mysqlText(input.name ?? null) ?? '',
      is_default: phpTruthy(input.is_default) ? 1 : 0,
      rotten_days: input.rotten_days === undefined ? 30 : (mysqlInt(input.rotten_days) ?? 30),
      created_at: now,
      updated_at: now,
    };
    ctx.state.pipelines.push(p);
    setDefault(ctx, p);
    writeStages(ctx, p, input.stages);
    return ok({ data: pipelineResource(ctx.state, p), message: 'Pipeline created successfully.' });
  },
  update: (ctx: Ctx): Reply => {
    const p = byId(ctx.state.pipelines, ctx.req.params.id);
    validatePipeline(ctx, p.id);
    const input = ctx.req.input;
    if ('name' in input) p.name = mysqlText(input.name ?? null) ?? '';
    if ('rotten_days' in input) p.rotten_days = mysqlInt(input.rotten_days) ?? p.rotten_days;
    if ('is_default' in input) p.is_default = phpTruthy(input.is_default) ? 1 : 0;
    p.updated_at = wallNow(ctx.tz);
    setDefault(ctx, p);
    writeStages(ctx, p, input.stages);
    return ok({ data: pipelineResource(ctx.state, p), message: 'Pipeline updated successfully.' });
  },
  destroy: (ctx: Ctx): Reply => {
    const s = ctx.state;
    const p = byId(s.pipelines, ctx.req.params.id);
    if (p.is_default) return ok({ data: { message: 'Default pipeline can not be deleted.' } });
    // Krayin moves the pipeline's leads to the default pipeline's first stage before deleting.
    const def = s.pipelines.find((x) => x.is_default) ?? (s.pipelines[0] as PipelineRow);
    const first = s.stagesOf(def.id)[0];
    for (const l of s.leads) {
      if (l.lead_pipeline_id === p.id) {
        l.lead_pipeline_id = def.id;
        l.lead_pipeline_stage_id = first?.id ?? null;
      }
    }
    s.stages = s.stages.filter((x) => x.lead_pipeline_id !== p.id);
    s.pipelines = s.pipelines.filter((x) => x.id !== p.id);
    return ok({ data: { message: 'Pipeline deleted successfully.' } });
  },
};

// -- sources and types -----------------------------------------------------------------------

function namedRoutes(
  path: string,
  sql: string,
  label: string,
  rows: (ctx: Ctx) => NamedRow[],
  set: (ctx: Ctx, r: NamedRow[]) => void,
): RouteDef[] {
  const table = (ctx: Ctx) => ({ sql, rows: rows(ctx), present: (r: NamedRow) => namedResource(ctx.state, r) });
  const nextId = (ctx: Ctx) => ctx.state.nextId(sql === 'lead_sources' ? 'sources' : 'types');
  const check = (ctx: Ctx, exceptId: number | null) =>
    validate(ctx.req.input, [
      ['name', [{ kind: 'required' }, uniqueIn(rows(ctx), exceptId, 'The name has already been taken.')]],
    ]);
  return [
    { method: 'GET', path, handler: (ctx) => ok(listIndex(ctx, table(ctx))) },
    {
      method: 'GET',
      path: `${path}/{id}`,
      handler: (ctx) => ok({ data: namedResource(ctx.state, byId(rows(ctx), ctx.req.params.id)) }),
    },
    {
      method: 'POST',
      path,
      handler: (ctx) => {
        check(ctx, null);
        const now = wallNow(ctx.tz);
        const r: NamedRow = {
          id: nextId(ctx),
          name: mysqlText(ctx.req.input.name ?? null) ?? '',
          created_at: now,
          updated_at: now,
        };
        rows(ctx).push(r);
        return ok({ data: namedResource(ctx.state, r), message: `${label} created successfully.` });
      },
    },
    {
      method: 'PUT',
      path: `${path}/{id}`,
      handler: (ctx) => {
        const r = byId(rows(ctx), ctx.req.params.id);
        check(ctx, r.id);
        r.name = mysqlText(ctx.req.input.name ?? null) ?? '';
        r.updated_at = wallNow(ctx.tz);
        return ok({ data: namedResource(ctx.state, r), message: `${label} updated successfully.` });
      },
    },
    {
      method: 'DELETE',
      path: `${path}/{id}`,
      handler: (ctx) => {
        const r = rows(ctx).find((x) => x.id === mysqlNumber(ctx.req.params.id));
        if (!r) return ok({ data: { message: `${label} delete failed.` } });
        set(
          ctx,
          rows(ctx).filter((x) => x.id !== r.id),
        );
        const col = sql === 'lead_sources' ? 'lead_source_id' : 'lead_type_id';
        for (const l of ctx.state.leads) if (l[col] === r.id) l[col] = null;
        return ok({ data: { message: `${label} deleted successfully.` } });
      },
    },
  ];
}

// -- users -----------------------------------------------------------------------------------

const users = {
  index: (ctx: Ctx): Reply =>
    ok(listIndex(ctx, { sql: 'users', rows: ctx.state.users, present: (u) => userResource(ctx.state, u) })),
  search: (ctx: Ctx): Reply =>
    ok(
      searchRows(ctx, {
        sql: 'users',
        modelClass: 'Webkul\\User\\Models\\User',
        rows: ctx.state.users,
        fieldsSearchable: ['name', 'email', 'status', 'view_permission', 'role_id'],
        relations: {
          role: { sql: 'roles', resolve: () => undefined },
          groups: { sql: 'groups', resolve: () => undefined },
        },
        present: (u) => userResource(ctx.state, u),
      }),
    ),
  show: (ctx: Ctx): Reply => ok({ data: userResource(ctx.state, byId(ctx.state.users, ctx.req.params.id)) }),
};

// -- attributes ------------------------------------------------------------------------------

const ENTITIES: AttributeEntity[] = ['leads', 'persons', 'organizations', 'products', 'quotes', 'warehouses'];

const attributes = {
  index: (ctx: Ctx): Reply =>
    ok(
      listIndex(ctx, {
        sql: 'attributes',
        rows: ctx.state.attributes,
        present: (a) => attributeResource(ctx.state, a),
      }),
    ),
  show: (ctx: Ctx): Reply => ok({ data: attributeResource(ctx.state, byId(ctx.state.attributes, ctx.req.params.id)) }),
  store: (ctx: Ctx): Reply => {
    const input = ctx.req.input;
    const entity = phpToString(input.entity_type) as AttributeEntity;
    validate(input, [
      [
        'code',
        [
          { kind: 'required' },
          {
            kind: 'custom',
            check: (_f, v) =>
              ctx.state.attributes.some((a) => a.entity_type === entity && ciEquals(a.code, phpToString(v)))
                ? 'The code has already been taken.'
                : /^[a-zA-Z]+[a-zA-Z0-9_]+$/.test(phpToString(v))
                  ? null
                  : 'The code must be valid.',
          },
        ],
      ],
      ['name', [{ kind: 'required' }]],
      [
        'type',
        [
          { kind: 'required' },
          {
            kind: 'custom',
            check: (_f, v) => (ATTRIBUTE_TYPES.includes(phpToString(v)) ? null : 'The selected type is invalid.'),
          },
        ],
      ],
      [
        'entity_type',
        [
          {
            kind: 'custom',
            check: (_f, v) =>
              ENTITIES.includes(phpToString(v) as AttributeEntity) ? null : 'The selected entity type is invalid.',
          },
        ],
      ],
    ]);
    const options = Array.isArray(input.options) || isObject(input.options) ? Object.values(input.options) : [];
    const row = insertAttribute(
      ctx.state,
      {
        entity_type: entity,
        code: phpToString(input.code),
        name: phpToString(input.name),
        type: phpToString(input.type),
        lookup_type:
          input.lookup_type === undefined || input.lookup_type === null ? null : phpToString(input.lookup_type),
        validation: input.validation === undefined || input.validation === null ? null : phpToString(input.validation),
        is_required: phpTruthy(input.is_required),
        is_unique: phpTruthy(input.is_unique),
        quick_add: input.quick_add === undefined ? true : phpTruthy(input.quick_add),
        options: options.map((o) => (isObject(o) ? phpToString(o.name) : phpToString(o))),
      },
      wallNow(ctx.tz),
    );
    return ok({ data: attributeResource(ctx.state, row), message: 'Attribute created successfully.' });
  },
  destroy: (ctx: Ctx): Reply => {
    const a = byId(ctx.state.attributes, ctx.req.params.id);
    if (!a.is_user_defined) return ok({ data: { message: 'User defined attribute can not be deleted.' } });
    const s = ctx.state;
    s.attributes = s.attributes.filter((x) => x.id !== a.id);
    s.attributeOptions = s.attributeOptions.filter((o) => o.attribute_id !== a.id);
    s.attributeValues = s.attributeValues.filter((v) => v.attribute_id !== a.id);
    return ok({ data: { message: 'Attribute deleted successfully.' } });
  },
};

export const settingsRoutes: RouteDef[] = [
  { method: 'GET', path: '/settings/pipelines', handler: pipelines.index },
  { method: 'GET', path: '/settings/pipelines/{id}', handler: pipelines.show },
  { method: 'POST', path: '/settings/pipelines', handler: pipelines.store },
  { method: 'PUT', path: '/settings/pipelines/{id}', handler: pipelines.update },
  { method: 'DELETE', path: '/settings/pipelines/{id}', handler: pipelines.destroy },
  ...namedRoutes(
    '/settings/sources',
    'lead_sources',
    'Source',
    (ctx) => ctx.state.sources,
    (ctx, r) => (ctx.state.sources = r),
  ),
  ...namedRoutes(
    '/settings/types',
    'lead_types',
    'Type',
    (ctx) => ctx.state.types,
    (ctx, r) => (ctx.state.types = r),
  ),
  { method: 'GET', path: '/settings/users', handler: users.index },
  { method: 'GET', path: '/settings/users/search', handler: users.search },
  { method: 'GET', path: '/settings/users/{id}', handler: users.show, where: { id: /^[0-9]+$/ } },
  { method: 'GET', path: '/settings/attributes', handler: attributes.index },
  { method: 'GET', path: '/settings/attributes/{id}', handler: attributes.show },
  { method: 'POST', path: '/settings/attributes', handler: attributes.store },
  { method: 'DELETE', path: '/settings/attributes/{id}', handler: attributes.destroy },
];
