/**
 * /settings/webhooks and /settings/workflows as rest-api 2.1.1 + Krayin 2.1.2 answer them (read in
 * WebhookController, WorkflowController, Admin WebhookRequest, the Automation models and migrations):
 *
 * - webhooks: WebhookRequest on create AND update (name, entity_type, method, end_point required,
 *   string, max 255; description nullable; payload_type in default|x-www-form-urlencoded|raw;
 *   raw_payload_type json|text, not required); only validated keys are stored, so an omitted `headers`
 *   is NULL (the 500 trap of automation.ts); an omitted raw_payload_type is '' (non-strict MySQL).
 *   Answers `{data, message}` via response()->json; show/update/delete of an unknown id are 404s.
 * - workflows: only `name` is validated; everything fillable in request()->all() is stored (an omitted
 *   entity_type/event is '', condition_type defaults to 'and'). Create/update answer through
 *   `new JsonResource([...])` (same `{data, message}` shape); the WorkflowResource's `event` echoes
 *   `entity_type` (Krayin bug). show of an unknown id is a 500 (find() + resource on null), update a
 *   404, delete a 500 Error (prettus clones the null model outside the controller's catch).
 * Create answers describe the model as it was filled: keys the request did not set are null there.
 */
import { ok, type Ctx, type Reply } from '../context';
import { KrayinError } from '../errors';
import { listIndex } from '../index-query';
import { mysqlNumber, mysqlText } from '../mysql';
import { isObject, phpToString, type Json } from '../php';
import type { RouteDef } from '../routes';
import type { State, WebhookRow, WorkflowRow } from '../state';
import { isoFromWall, wallNow } from '../time';
import { validate, type Rule, type RuleSet } from '../validation';
import { displayName } from '../validation';

const WEBHOOK_MODEL = 'Webkul\\Automation\\Models\\Webhook';
const WORKFLOW_MODEL = 'Webkul\\Automation\\Models\\Workflow';
const WEBHOOK_FIELDS = [
  'name',
  'entity_type',
  'description',
  'method',
  'end_point',
  'query_params',
  'headers',
  'payload_type',
  'raw_payload_type',
  'payload',
] as const;
const WORKFLOW_FIELDS = ['name', 'description', 'entity_type', 'event', 'condition_type', 'conditions', 'actions'];

// -- validation (Laravel 10 rules with Krayin's lang/en/validation.php messages) -----------------

const isString: Rule = {
  kind: 'custom',
  check: (f, v) => (typeof v === 'string' ? null : `The ${displayName(f)} must be a string.`),
};

function max(n: number): Rule {
  return {
    kind: 'custom',
    check: (f, v) => {
      if (Array.isArray(v) || isObject(v)) {
        return Object.keys(v).length > n ? `The ${displayName(f)} may not have more than ${n} items.` : null;
      }
      return [...phpToString(v as Json)].length > n
        ? `The ${displayName(f)} may not be greater than ${n} characters.`
        : null;
    },
  };
}

function oneOf(values: string[]): Rule {
  return {
    kind: 'custom',
    check: (f, v) =>
      !Array.isArray(v) && !isObject(v) && values.includes(phpToString(v as Json))
        ? null
        : `The selected ${displayName(f)} is invalid.`,
  };
}

const requiredString: Rule[] = [{ kind: 'required' }, isString, max(255)];

const WEBHOOK_RULES: RuleSet = [
  ['name', requiredString],
  ['entity_type', requiredString],
  ['description', [{ kind: 'nullable' }, isString, max(255)]],
  ['method', requiredString],
  ['end_point', requiredString],
  ['query_params', [{ kind: 'nullable' }]],
  ['headers', [{ kind: 'nullable' }]],
  ['payload_type', [...requiredString, oneOf(['default', 'x-www-form-urlencoded', 'raw'])]],
  ['raw_payload_type', [isString, max(255), oneOf(['json', 'text'])]],
  ['payload', [{ kind: 'nullable' }]],
];

/** FormRequest::validated(): the keys that have rules and are present in the request. */
function validatedWebhook(ctx: Ctx): Partial<Record<(typeof WEBHOOK_FIELDS)[number], Json>> {
  const input = ctx.req.input;
  validate(input, WEBHOOK_RULES);
  return Object.fromEntries(WEBHOOK_FIELDS.filter((k) => k in input).map((k) => [k, input[k] as Json]));
}

// -- presenters ----------------------------------------------------------------------------------

function iso(state: State, wall: string | null): string | null {
  return wall === null ? null : isoFromWall(wall, state.tz);
}

function webhookResource(state: State, w: Partial<WebhookRow> & { id: number }): Record<string, unknown> {
  return {
    id: w.id,
    name: w.name ?? null,
    entity_type: w.entity_type ?? null,
    description: w.description ?? null,
    method: w.method ?? null,
    end_point: w.end_point ?? null,
    query_params: w.query_params ?? null,
    headers: w.headers ?? null,
    payload_type: w.payload_type ?? null,
    raw_payload_type: w.raw_payload_type ?? null,
    payload: w.payload ?? null,
    created_at: iso(state, w.created_at ?? null),
    updated_at: iso(state, w.updated_at ?? null),
  };
}

function workflowResource(state: State, w: Partial<WorkflowRow> & { id: number }): Record<string, unknown> {
  return {
    id: w.id,
    name: w.name ?? null,
    description: w.description ?? null,
    entity_type: w.entity_type ?? null,
    // WorkflowResource: 'event' => $this->entity_type (Krayin bug).
    event: w.entity_type ?? null,
    condition_type: w.condition_type ?? null,
    conditions: w.conditions ?? null,
    actions: w.actions ?? null,
    created_at: iso(state, w.created_at ?? null),
    updated_at: iso(state, w.updated_at ?? null),
  };
}

// -- webhooks ------------------------------------------------------------------------------------

function webhookOr404(ctx: Ctx): WebhookRow {
  const id = ctx.req.params.id as string;
  const row = ctx.state.webhooks.find((w) => w.id === mysqlNumber(id));
  if (!row) throw KrayinError.modelNotFound(WEBHOOK_MODEL, id);
  return row;
}

/** Column values as MySQL stores them (non-strict: NULL into NOT NULL text is '' only on insert). */
function webhookColumns(data: Partial<Record<(typeof WEBHOOK_FIELDS)[number], Json>>): Partial<WebhookRow> {
  const out: Partial<WebhookRow> = {};
  for (const [k, v] of Object.entries(data)) {
    if (k === 'query_params' || k === 'headers' || k === 'payload') out[k] = v ?? null;
    else (out as Record<string, unknown>)[k] = k === 'description' ? mysqlText(v) : (mysqlText(v) ?? '');
  }
  return out;
}

const webhooks = {
  index: (ctx: Ctx): Reply =>
    ok(
      listIndex(ctx, {
        sql: 'webhooks',
        rows: ctx.state.webhooks,
        present: (w) => webhookResource(ctx.state, w),
      }),
    ),
  show: (ctx: Ctx): Reply => ok({ data: webhookResource(ctx.state, webhookOr404(ctx)) }),
  store: (ctx: Ctx): Reply => {
    const columns = webhookColumns(validatedWebhook(ctx));
    const now = wallNow(ctx.tz);
    const row: WebhookRow = {
      id: ctx.state.nextId('webhooks'),
      name: '',
      entity_type: '',
      description: null,
      method: '',
      end_point: '',
      query_params: null,
      headers: null,
      payload_type: '',
      raw_payload_type: '',
      payload: null,
      ...columns,
      created_at: now,
      updated_at: now,
    };
    ctx.state.webhooks.push(row);
    return ok({
      data: webhookResource(ctx.state, { ...columns, id: row.id, created_at: now, updated_at: now }),
      message: 'Webhook created successfully.',
    });
  },
  update: (ctx: Ctx): Reply => {
    const columns = webhookColumns(validatedWebhook(ctx));
    const row = webhookOr404(ctx);
    const changed = Object.entries(columns).some(
      ([k, v]) => JSON.stringify(v) !== JSON.stringify(row[k as keyof WebhookRow]),
    );
    Object.assign(row, columns);
    if (changed) row.updated_at = wallNow(ctx.tz);
    return ok({ data: webhookResource(ctx.state, row), message: 'Webhook updated successfully.' });
  },
  destroy: (ctx: Ctx): Reply => {
    const row = webhookOr404(ctx);
    ctx.state.webhooks = ctx.state.webhooks.filter((w) => w.id !== row.id);
    return ok({ message: 'Webhook deleted successfully.' });
  },
};

// -- workflows -----------------------------------------------------------------------------------

function workflowColumns(input: Record<string, Json>): Partial<WorkflowRow> {
  const out: Record<string, unknown> = {};
  for (const k of WORKFLOW_FIELDS) {
    if (!(k in input)) continue;
    const v = input[k] as Json;
    out[k] = k === 'conditions' || k === 'actions' ? (v ?? null) : mysqlText(v);
  }
  return out as Partial<WorkflowRow>;
}

const workflows = {
  index: (ctx: Ctx): Reply =>
    ok(
      listIndex(ctx, {
        sql: 'workflows',
        rows: ctx.state.workflows,
        present: (w) => workflowResource(ctx.state, w),
      }),
    ),
  show: (ctx: Ctx): Reply => {
    const row = ctx.state.workflows.find((w) => w.id === mysqlNumber(ctx.req.params.id));
    if (!row) throw KrayinError.nullResource();
    return ok({ data: workflowResource(ctx.state, row) });
  },
  store: (ctx: Ctx): Reply => {
    validate(ctx.req.input, [['name', [{ kind: 'required' }]]]);
    const columns = workflowColumns(ctx.req.input);
    const now = wallNow(ctx.tz);
    const row: WorkflowRow = {
      id: ctx.state.nextId('workflows'),
      name: '',
      description: null,
      entity_type: '',
      event: '',
      condition_type: 'and',
      conditions: null,
      actions: null,
      ...columns,
      created_at: now,
      updated_at: now,
    };
    // NOT NULL columns without a default become '' in non-strict MySQL; condition_type has 'and'.
    row.entity_type ??= '';
    row.event ??= '';
    row.condition_type ??= 'and';
    row.name ??= '';
    ctx.state.workflows.push(row);
    return ok({
      data: workflowResource(ctx.state, { ...columns, id: row.id, created_at: now, updated_at: now }),
      message: 'Workflow created successfully.',
    });
  },
  update: (ctx: Ctx): Reply => {
    validate(ctx.req.input, [['name', [{ kind: 'required' }]]]);
    const id = ctx.req.params.id as string;
    const row = ctx.state.workflows.find((w) => w.id === mysqlNumber(id));
    if (!row) throw KrayinError.modelNotFound(WORKFLOW_MODEL, id);
    const columns = workflowColumns(ctx.req.input);
    const changed = Object.entries(columns).some(
      ([k, v]) => JSON.stringify(v) !== JSON.stringify(row[k as keyof WorkflowRow]),
    );
    Object.assign(row, columns);
    if (changed) row.updated_at = wallNow(ctx.tz);
    return ok({ data: workflowResource(ctx.state, row), message: 'Workflow updated successfully.' });
  },
  destroy: (ctx: Ctx): Reply => {
    const row = ctx.state.workflows.find((w) => w.id === mysqlNumber(ctx.req.params.id));
    if (!row) {
      throw KrayinError.php(
        'Error',
        '__clone method called on non-object',
        '/var/www/krayin/vendor/prettus/l5-repository/src/Prettus/Repository/Eloquent/BaseRepository.php',
        759,
      );
    }
    ctx.state.workflows = ctx.state.workflows.filter((w) => w.id !== row.id);
    return ok({ data: { message: 'Workflow deleted successfully.' } });
  },
};

export const automationRoutes: RouteDef[] = [
  { method: 'GET', path: '/settings/webhooks', handler: webhooks.index },
  { method: 'POST', path: '/settings/webhooks', handler: webhooks.store },
  { method: 'GET', path: '/settings/webhooks/{id}', handler: webhooks.show },
  { method: 'PUT', path: '/settings/webhooks/{id}', handler: webhooks.update },
  { method: 'DELETE', path: '/settings/webhooks/{id}', handler: webhooks.destroy },
  { method: 'GET', path: '/settings/workflows', handler: workflows.index },
  { method: 'POST', path: '/settings/workflows', handler: workflows.store },
  { method: 'GET', path: '/settings/workflows/{id}', handler: workflows.show },
  { method: 'PUT', path: '/settings/workflows/{id}', handler: workflows.update },
  { method: 'DELETE', path: '/settings/workflows/{id}', handler: workflows.destroy },
];
