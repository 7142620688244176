/**
 * The console's "Field mapping" page (/console/mapping): the field map editor with Krayin's fields
 * (custom ones included) fetched live beside Chatwoot's, checks before saving, a preview on a real
 * contact that writes nothing, the stage rules with the pipelines' stages, and the two-way sync's
 * field ownership. Plain forms (no script needed): every button posts the whole form and the page
 * comes back with the rows as typed, their checks next to them.
 *
 * Saving goes through the settings layer (deps.settings.update, "sync.fieldMap" / "sync.stageRules");
 * the rows are checked here first, and the settings layer checks the whole connection again.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { ChatwootApiContact, ChatwootAttributeDefinition } from '../../chatwoot/api-schemas';
import type { ConnectionConfig } from '../../config/schema';
import type { KrayinPipeline } from '../../krayin/api';
import type { AttributeCatalog } from '../../mapping/attributes';
import type { SettingLayer } from '../../settings/types';
import type { ConnectionRuntime } from '../../sync/connections';
import { html } from '../html';
import { page } from '../layout';
import type { ConsoleDeps } from '../types';
import { previewContact, searchChatwootContacts } from './mapping-preview';
import {
  checkFieldRows,
  checkStageRuleRows,
  fieldMapOfRows,
  hasErrors,
  rowOfStageRule,
  rowsOfFieldMap,
  splitField,
  type FieldRow,
  type RowCheck,
  type StageRuleRow,
} from './mapping-validate';
import { mappingBody, type MappingView } from './mapping-view';

const FLASH: Record<string, string> = {
  fields: 'The field mapping is saved.',
  'fields-reset': 'The field mapping is back to the configured one.',
  rules: 'The stage rules are saved.',
  'rules-reset': 'The stage rules are back to the configured ones.',
};

interface Loaded {
  catalog: AttributeCatalog | null;
  catalogError: string | null;
  definitions: ChatwootAttributeDefinition[] | null;
  definitionsError: string | null;
  pipelines: KrayinPipeline[] | null;
  pipelinesError: string | null;
  layers: MappingView['layers'];
}

export function mappingPage(deps: ConsoleDeps): Router {
  const router = express.Router();

  const findConnection = (id: unknown): ConnectionConfig | null => {
    const all = deps.connections();
    if (typeof id !== 'string' || id === '') return all[0] ?? null;
    return all.find((c) => c.id === id) ?? null;
  };

  const runtime = (id: string): ConnectionRuntime | null => {
    try {
      return deps.services.connections.get(id);
    } catch {
      return null;
    }
  };

  /** What Krayin and Chatwoot say right now (read only), and where the settings come from. */
  const load = async (connection: ConnectionConfig): Promise<Loaded> => {
    const rt = runtime(connection.id);
    const notRunning = 'this connection is not running in this process yet';
    const [catalog, definitions, pipelines, view] = await Promise.all([
      rt
        ? attempt(async () => {
            const [persons, organizations, leads] = await Promise.all([
              rt.krayin.listAttributes('persons'),
              rt.krayin.listAttributes('organizations'),
              rt.krayin.listAttributes('leads'),
            ]);
            return { persons, organizations, leads } satisfies AttributeCatalog;
          })
        : { value: null, error: notRunning },
      rt ? attempt(() => rt.chatwoot.listContactAttributeDefinitions()) : { value: null, error: notRunning },
      rt ? attempt(() => rt.krayin.listPipelines()) : { value: null, error: notRunning },
      deps.settings.get(connection.id).catch(() => null),
    ]);
    const layer = (path: string): SettingLayer | null => view?.values.find((x) => x.path === path)?.layer ?? null;
    return {
      catalog: catalog.value,
      catalogError: catalog.error,
      definitions: definitions.value,
      definitionsError: definitions.error,
      pipelines: pipelines.value,
      pipelinesError: pipelines.error,
      layers: { fieldMap: layer('sync.fieldMap'), stageRules: layer('sync.stageRules') },
    };
  };

  const baseView = (req: Request, res: Response, connection: ConnectionConfig, loaded: Loaded): MappingView => {
    const fieldRows = withBlank(rowsOfFieldMap(connection.sync.fieldMap), blankField);
    const ruleRows = withBlank(connection.sync.stageRules.map(rowOfStageRule), blankRule);
    return {
      session: res.locals.session,
      connection,
      connectionIds: deps.connections().map((c) => c.id),
      ...loaded,
      fieldRows,
      fieldChecks: fieldRows.map(noCheck),
      fieldsMessage: null,
      ruleRows,
      ruleChecks: ruleRows.map(noCheck),
      rulesMessage: null,
      contactQuery: typeof req.body?.contact === 'string' ? req.body.contact : '',
      candidates: null,
      previewContact: null,
      preview: null,
      previewMessage: null,
    };
  };

  const send = (res: Response, view: MappingView, status = 200, flash: string | null = null) => {
    res.status(status).send(
      page({
        title: 'Field mapping',
        active: 'mapping',
        session: res.locals.session,
        body: mappingBody(view),
        flash,
      }),
    );
  };

  const noConnection = (res: Response) =>
    res.status(404).send(
      page({
        title: 'Field mapping',
        active: 'mapping',
        session: res.locals.session,
        body: html`<p>No such connection. <a href="/console/connections">See the connections</a>.</p>`,
      }),
    );

  router.get('/', async (req, res) => {
    const connection = findConnection(req.query.connection);
    if (!connection) return void noConnection(res);
    const view = baseView(req, res, connection, await load(connection));
    const saved = typeof req.query.saved === 'string' ? (FLASH[req.query.saved] ?? null) : null;
    send(res, view, 200, saved);
  });

  router.post('/fields', async (req, res) => {
    const connection = findConnection(req.body.connection);
    if (!connection) return void noConnection(res);
    const loaded = await load(connection);
    const view = baseView(req, res, connection, loaded);
    const action = typeof req.body.action === 'string' ? req.body.action : 'check';
    const fields = list(req.body.field);
    const paths = list(req.body.path);
    let rows: FieldRow[] = fields.map((f, i) => ({ ...splitField(f), path: paths[i] ?? '' }));

    if (action === 'reset') {
      const result = await deps.settings.update(connection.id, { 'sync.fieldMap': null }, 'console');
      if (result.ok)
        return void res.redirect(303, `/console/mapping?connection=${enc(connection.id)}&saved=fields-reset`);
      view.fieldsMessage = `Not changed: ${result.issues.map((x) => x.message).join('; ')}.`;
      return void send(res, view, 422);
    }
    if (action.startsWith('remove-')) rows = rows.filter((_, i) => `remove-${i}` !== action);
    if (action === 'add' || rows.length === 0 || !isBlank(rows[rows.length - 1]!)) rows.push(blankField());

    const checks = checkFieldRows(rows, {
      catalog: loaded.catalog,
      definitions: loaded.definitions,
      syncOrganizations: connection.sync.syncOrganizations,
      leadPolicy: connection.sync.leadPolicy,
    });
    view.fieldRows = rows;
    view.fieldChecks = action === 'add' || action.startsWith('remove-') ? checks.map(errorsOnly(rows)) : checks;

    if (action === 'save') {
      if (hasErrors(checks)) {
        view.fieldsMessage = 'Nothing was saved: fix the rows marked below.';
        return void send(res, view, 422);
      }
      const result = await deps.settings.update(connection.id, { 'sync.fieldMap': fieldMapOfRows(rows) }, 'console');
      if (result.ok) return void res.redirect(303, `/console/mapping?connection=${enc(connection.id)}&saved=fields`);
      view.fieldsMessage = `Nothing was saved: ${result.issues.map((x) => x.message).join('; ')}.`;
      return void send(res, view, 422);
    }

    if (action === 'preview' || action.startsWith('preview-')) {
      await runPreview(view, action, rows, checks, connection);
    }
    send(res, view);
  });

  const runPreview = async (
    view: MappingView,
    action: string,
    rows: FieldRow[],
    checks: RowCheck[],
    connection: ConnectionConfig,
  ) => {
    if (hasErrors(checks)) {
      view.previewMessage = 'Fix the rows marked above first: the preview uses them.';
      return;
    }
    const rt = runtime(connection.id);
    if (!rt) {
      view.previewMessage = 'This connection is not running in this process yet.';
      return;
    }
    const query = view.contactQuery.trim();
    let contact: ChatwootApiContact | null = null;
    try {
      const picked = /^preview-(\d+)$/.exec(action)?.[1] ?? (/^#?\d+$/.test(query) ? query.replace('#', '') : null);
      if (picked !== null) {
        contact = await rt.chatwoot.getContact(Number(picked));
        if (!contact) view.previewMessage = `Chatwoot has no contact #${picked}.`;
      } else if (query === '') {
        view.previewMessage = 'Enter a contact id, or a name, email or phone to search for.';
      } else {
        const found = await searchChatwootContacts(connection, query);
        if (found.length === 0) view.previewMessage = 'No Chatwoot contact matches.';
        else if (found.length === 1) contact = found[0]!;
        else view.candidates = found;
      }
      if (!contact) return;
      if (!view.catalog && view.catalogError) {
        view.previewMessage = "Krayin's fields are needed for the preview and could not be loaded.";
        return;
      }
      view.previewContact = contact;
      view.preview = await previewContact(
        contact,
        connection,
        fieldMapOfRows(rows),
        view.catalog ?? undefined,
        rt.lookups,
      );
    } catch (err) {
      view.previewContact = null;
      view.preview = null;
      view.previewMessage = `The preview failed: ${message(err)}`;
    }
  };

  router.post('/stage-rules', async (req, res) => {
    const connection = findConnection(req.body.connection);
    if (!connection) return void noConnection(res);
    const loaded = await load(connection);
    const view = baseView(req, res, connection, loaded);
    const action = typeof req.body.action === 'string' ? req.body.action : 'check';
    const ons = list(req.body.on);
    const params = list(req.body.param);
    const stages = list(req.body.stage);
    const pipelines = list(req.body.pipeline);
    const backs = list(req.body.back);
    let rows: StageRuleRow[] = ons.map((on, i) => ({
      on,
      param: params[i] ?? '',
      stage: stages[i] ?? '',
      pipeline: pipelines[i] ?? '',
      allowBackwards: backs[i] === 'yes',
    }));

    if (action === 'reset') {
      const result = await deps.settings.update(connection.id, { 'sync.stageRules': null }, 'console');
      if (result.ok)
        return void res.redirect(303, `/console/mapping?connection=${enc(connection.id)}&saved=rules-reset`);
      view.rulesMessage = `Not changed: ${result.issues.map((x) => x.message).join('; ')}.`;
      return void send(res, view, 422);
    }
    if (action.startsWith('remove-')) rows = rows.filter((_, i) => `remove-${i}` !== action);
    if (action === 'add' || rows.length === 0 || !isBlankRule(rows[rows.length - 1]!)) rows.push(blankRule());

    const { checks, rules } = checkStageRuleRows(rows, loaded.pipelines);
    view.ruleRows = rows;
    view.ruleChecks = action === 'add' || action.startsWith('remove-') ? rows.map(noCheck) : checks;

    if (action === 'save') {
      if (hasErrors(checks)) {
        view.rulesMessage = 'Nothing was saved: fix the rules marked below.';
        return void send(res, view, 422);
      }
      const result = await deps.settings.update(connection.id, { 'sync.stageRules': rules }, 'console');
      if (result.ok) return void res.redirect(303, `/console/mapping?connection=${enc(connection.id)}&saved=rules`);
      view.rulesMessage = `Nothing was saved: ${result.issues.map((x) => x.message).join('; ')}.`;
      return void send(res, view, 422);
    }
    send(res, view);
  });

  return router;
}

async function attempt<T>(load: () => Promise<T>): Promise<{ value: T | null; error: string | null }> {
  try {
    return { value: await load(), error: null };
  } catch (err) {
    return { value: null, error: message(err) };
  }
}

/** Client error messages name the route and the status, never a token or contact data. */
function message(err: unknown): string {
  return err instanceof Error ? err.message : 'unknown error';
}

function list(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : ''));
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

const blankField = (): FieldRow => ({ section: '', code: '', path: '' });
const blankRule = (): StageRuleRow => ({ on: '', param: '', stage: '', pipeline: '', allowBackwards: false });
const noCheck = (): RowCheck => ({ errors: [], warnings: [] });

function isBlank(row: FieldRow): boolean {
  return row.code === '' && row.path.trim() === '';
}

function isBlankRule(row: StageRuleRow): boolean {
  return row.on === '' && row.stage.trim() === '';
}

/** Editing rows (add/remove) shows nothing for half-typed rows: only checks that name a real problem. */
function errorsOnly(rows: FieldRow[]) {
  return (check: RowCheck, i: number): RowCheck => (isBlank(rows[i]!) ? noCheck() : check);
}

function withBlank<T>(rows: T[], blank: () => T): T[] {
  return [...rows, blank()];
}
