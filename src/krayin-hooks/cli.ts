/**
 * `krayin-hooks install|status|remove [--connection <id>] [--public-url <url>]`: Krayin's own webhooks and
 * workflows that ping POST /webhooks/krayin/<connection>/<token> when a lead or person changes
 * (docs/two-way-sync.md, "Krayin's own webhooks as hints"). Talks to Krayin directly with the connection's API token,
 * within the connection's Krayin budget shared with the service (budget.ts).
 * Idempotent (plan.ts); prints what it did, never the token.
 */
import { parseArgs } from 'node:util';
import type { AppConfig, ConnectionConfig } from '../config/schema';
import type { KrayinWebhook, KrayinWorkflow, WebhookInput, WorkflowInput } from '../krayin/automation-schemas';
import { KrayinClient } from '../krayin/client';
import { KrayinRateLimitedError } from '../krayin/errors';
import type { Store } from '../store/types';
import { hooksBudget, type HooksBudgetOptions } from './budget';
import {
  desiredWebhooks,
  desiredWorkflows,
  END_POINT_MAX,
  hintUrl,
  hookStatus,
  maskedUrl,
  namePrefix,
  planObjects,
  webhookMatches,
  workflowMatches,
  type HookEntity,
  type Step,
} from './plan';

/** The part of KrayinClient this command uses (tests may pass another). */
export type HooksKrayin = Pick<
  KrayinClient,
  | 'listWebhooks'
  | 'createWebhook'
  | 'updateWebhook'
  | 'deleteWebhook'
  | 'listWorkflows'
  | 'createWorkflow'
  | 'updateWorkflow'
  | 'deleteWorkflow'
  | 'close'
>;

export interface HooksCliDeps {
  out?: { log(line: string): void; error(line: string): void };
  krayinFor?: (c: ConnectionConfig) => HooksKrayin;
  /** The shared budget's store and timings (tests); default: the service's store, Krayin's 60 s window. */
  budget?: HooksBudgetOptions & { store?: Store };
}

const USAGE = 'usage: krayin-hooks install|status|remove [--connection <id>] [--public-url <url>]';
const EX_USAGE = 2;
const EX_CONFIG = 78;

export async function runKrayinHooksCommand(
  argv: string[],
  config: AppConfig,
  deps: HooksCliDeps = {},
): Promise<number> {
  const out = deps.out ?? { log: console.log, error: console.error };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { connection: { type: 'string', default: 'default' }, 'public-url': { type: 'string' } },
      strict: true,
    });
  } catch (err) {
    out.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return EX_USAGE;
  }
  const [sub, ...rest] = parsed.positionals;
  if ((sub !== 'install' && sub !== 'status' && sub !== 'remove') || rest.length > 0) {
    out.error(USAGE);
    return EX_USAGE;
  }
  const connection = config.connections.find((c) => c.id === parsed.values.connection);
  if (!connection) {
    out.error(`No connection "${parsed.values.connection}" in the configuration or the console.`);
    return EX_CONFIG;
  }
  const url = endpointUrl(config, connection, parsed.values['public-url']);
  if (sub === 'install' && 'problem' in url) {
    out.error(url.problem);
    return EX_CONFIG;
  }
  // The service's workers spend the same budget: these calls count in it (and wait for it) too.
  const budget = deps.krayinFor ? null : await hooksBudget(config, connection, deps.budget);
  if (budget?.note) out.error(`Note: ${budget.note}.`);
  const krayin =
    deps.krayinFor?.(connection) ??
    new KrayinClient({
      baseUrl: connection.krayin.url,
      token: connection.krayin.token,
      timezone: connection.krayin.timezone,
      timeoutMs: connection.krayin.timeoutMs,
      ...(budget ? { throttle: budget.throttle } : {}),
    });
  const token = connection.krayinHooks.token ?? '';
  try {
    if (sub === 'install') return await install(krayin, connection.id, (url as { url: string }).url, token, out);
    if (sub === 'status') return await status(krayin, connection.id, 'url' in url ? url.url : null, token, out);
    return await remove(krayin, connection.id, out);
  } catch (err) {
    if (err instanceof KrayinRateLimitedError && err.status === 0) {
      // Not sent: the budget (shared with the service) has no slot soon enough; nothing was sent for it.
      out.error(`Not sent, try again later: ${err.message}`);
      return 1;
    }
    // KrayinError messages name the route and status, never bodies or the token.
    out.error(`Krayin refused: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await krayin.close();
    await budget?.close();
  }
}

function endpointUrl(
  config: AppConfig,
  connection: ConnectionConfig,
  override: string | undefined,
): { url: string } | { problem: string } {
  const token = connection.krayinHooks.token;
  if (token === undefined) {
    return { problem: `Connection "${connection.id}" has no KRAYIN_WEBHOOK_TOKEN (krayinHooks.token): set one first.` };
  }
  const base = override ?? config.publicUrl;
  if (!base || !/^https?:\/\/[^/\s]+/i.test(base)) {
    return { problem: 'Krayin needs the URL it can reach this service at: set PUBLIC_URL or pass --public-url.' };
  }
  const url = hintUrl(base, connection.id, token);
  if (url.length > END_POINT_MAX) {
    return { problem: `The hint URL is ${url.length} characters; Krayin stores at most ${END_POINT_MAX}.` };
  }
  return { url };
}

type Out = NonNullable<HooksCliDeps['out']>;

async function install(krayin: HooksKrayin, connectionId: string, url: string, token: string, out: Out) {
  out.log(`Krayin hooks of connection ${connectionId} -> ${maskedUrl(url, token)}`);
  const prefix = namePrefix(connectionId);
  const hookSteps = planObjects(
    prefix,
    await krayin.listWebhooks(),
    desiredWebhooks(connectionId, url),
    webhookMatches,
  );
  const ids: Partial<Record<HookEntity, number>> = {};
  for (const step of hookSteps.filter((s) => s.kind !== 'delete')) {
    const hook = await applyWebhook(krayin, step);
    ids[hook.entity_type as HookEntity] = hook.id;
    out.log(`  webhook #${hook.id} ${step.name}: ${pastTense(step)}`);
  }
  // Workflows before the webhooks they point at: a workflow never names a deleted webhook.
  const flowSteps = planObjects(
    prefix,
    await krayin.listWorkflows(),
    desiredWorkflows(connectionId, ids as Record<HookEntity, number>),
    workflowMatches,
  );
  for (const step of flowSteps) {
    const id = await applyWorkflow(krayin, step);
    out.log(`  workflow #${id} ${step.name}: ${pastTense(step)}`);
  }
  for (const step of hookSteps.filter((s) => s.kind === 'delete')) {
    await krayin.deleteWebhook(step.id);
    out.log(`  webhook #${step.id} ${step.name}: deleted (not wanted any more)`);
  }
  return 0;
}

async function applyWebhook(
  krayin: HooksKrayin,
  step: Step<WebhookInput>,
): Promise<KrayinWebhook | { id: number; entity_type: string }> {
  switch (step.kind) {
    case 'create':
      return krayin.createWebhook(step.input);
    case 'update':
      return krayin.updateWebhook(step.id, step.input);
    case 'unchanged':
      return { id: step.id, entity_type: step.input.entity_type };
    case 'delete':
      throw new Error('deletes are applied after the workflows');
  }
}

async function applyWorkflow(krayin: HooksKrayin, step: Step<WorkflowInput>): Promise<number> {
  switch (step.kind) {
    case 'create':
      return (await krayin.createWorkflow(step.input)).id;
    case 'update':
      return (await krayin.updateWorkflow(step.id, step.input)).id;
    case 'unchanged':
      return step.id;
    case 'delete':
      await krayin.deleteWorkflow(step.id);
      return step.id;
  }
}

function pastTense(step: Step<unknown>): string {
  switch (step.kind) {
    case 'create':
      return 'created';
    case 'update':
      return 'updated';
    case 'unchanged':
      return 'unchanged';
    case 'delete':
      return 'deleted (not wanted any more)';
  }
}

async function status(krayin: HooksKrayin, connectionId: string, url: string | null, token: string, out: Out) {
  const [webhooks, workflows]: [KrayinWebhook[], KrayinWorkflow[]] = [
    await krayin.listWebhooks(),
    await krayin.listWorkflows(),
  ];
  const s = hookStatus(connectionId, url, webhooks, workflows);
  out.log(`Krayin hooks of connection ${connectionId}${url ? ` -> ${maskedUrl(url, token)}` : ''}`);
  for (const row of s.webhooks) out.log(`  webhook ${row.id === null ? '-' : `#${row.id}`} ${row.name}: ${row.state}`);
  for (const row of s.workflows)
    out.log(`  workflow ${row.id === null ? '-' : `#${row.id}`} ${row.name}: ${row.state}`);
  for (const w of s.nullHeaders) {
    out.log(
      `  warning: webhook #${w.id} "${w.name}" has no headers list: every Krayin update that triggers it answers 500 (save it with headers: [])`,
    );
  }
  const allOk = [...s.webhooks, ...s.workflows].every((r) => r.state === 'ok');
  out.log(allOk ? 'installed' : 'not (fully) installed: run `krayin-hooks install`');
  return allOk ? 0 : 1;
}

async function remove(krayin: HooksKrayin, connectionId: string, out: Out) {
  const prefix = namePrefix(connectionId);
  out.log(`Removing the Krayin hooks of connection ${connectionId}`);
  // Workflows first: none may be left pointing at a deleted webhook.
  const workflows = (await krayin.listWorkflows()).filter((w) => w.name.startsWith(prefix));
  for (const w of workflows) {
    await krayin.deleteWorkflow(w.id);
    out.log(`  workflow #${w.id} ${w.name}: deleted`);
  }
  const webhooks = (await krayin.listWebhooks()).filter((w) => w.name.startsWith(prefix));
  for (const w of webhooks) {
    await krayin.deleteWebhook(w.id);
    out.log(`  webhook #${w.id} ${w.name}: deleted`);
  }
  if (workflows.length + webhooks.length === 0) out.log('  nothing to remove');
  return 0;
}
