/**
 * The connection check (`npm run check`, and at start): can we reach Krayin and Chatwoot with the
 * configured tokens, and does Krayin have every pipeline, stage, source, type, owner and attribute
 * the configuration names? Each problem is reported with the setting to fix; nothing is written.
 */
import { ChatwootAuthError, ChatwootError } from '../chatwoot/errors';
import { KrayinAuthError, KrayinError } from '../krayin/errors';
import { customAttributeCodes } from '../mapping/field-map';
import { MAP_SECTIONS, SECTION_ENTITY } from '../mapping/fields';
import { validateStageRules } from '../rules/stage-move';
import { ConnectionConfigError } from '../sync/config-error';
import type { ConnectionRuntime } from '../sync/connections';
import type { LeadTarget } from '../sync/lookups';

export interface CheckItem {
  level: 'ok' | 'warning' | 'problem';
  /** What was checked, e.g. "Krayin API". */
  subject: string;
  message: string;
}

export interface ConnectionReport {
  connectionId: string;
  items: CheckItem[];
  /** No item is a problem (warnings allowed). */
  ok: boolean;
}

export async function checkConnection(rt: ConnectionRuntime): Promise<ConnectionReport> {
  const items: CheckItem[] = [];
  const add = (level: CheckItem['level'], subject: string, message: string): void => {
    items.push({ level, subject, message });
  };
  const { config } = rt;
  rt.lookups.clear(); // check what Krayin has now, not what was cached

  const krayinUp = await step(add, 'Krayin API', async () => {
    const user = await rt.krayin.getCurrentUser();
    if (user.view_permission !== 'global') {
      add(
        'problem',
        'Krayin API',
        `the token's user #${user.id} has view permission "${user.view_permission}": Krayin's search endpoints fail for it; use a user with global view permission`,
      );
    } else add('ok', 'Krayin API', `reachable at ${config.krayin.url} with the token (user #${user.id})`);
  });

  if (krayinUp) {
    await step(add, 'Lead settings', async () => {
      // Every wrong lead setting at once: fixing them one run at a time is slow for the operator.
      const { target, problems } = await rt.lookups.checkLeadTarget(config.sync.lead);
      for (const p of problems) add('problem', 'Lead settings', p.message);
      if (target)
        add('ok', 'Lead settings', `new leads go to ${describeTarget(target)} (policy ${config.sync.leadPolicy})`);
    });

    await step(add, 'Stage rules', async () => {
      const rules = config.sync.stageRules;
      if (rules.length === 0) return add('ok', 'Stage rules', 'none configured: leads are never moved automatically');
      const problems = validateStageRules(rules, await rt.lookups.pipelines());
      for (const p of problems) add('problem', 'Stage rules', `STAGE_RULES[${p.ruleIndex}].${p.field}: ${p.message}`);
      if (problems.length === 0) add('ok', 'Stage rules', `${rules.length} rule(s), every stage exists`);
    });

    await step(add, 'Field map', async () => {
      const sections = MAP_SECTIONS.filter((s) => customAttributeCodes(config.sync.fieldMap, s).length > 0);
      if (sections.length === 0) return add('ok', 'Field map', 'default mapping (no custom attributes)');
      const catalog = await rt.lookups.attributeCatalog();
      let count = 0;
      for (const section of sections) {
        const entity = SECTION_ENTITY[section];
        for (const code of customAttributeCodes(config.sync.fieldMap, section)) {
          count++;
          if (!catalog[entity].some((a) => a.code === code)) {
            add('problem', 'Field map', `FIELD_MAP.${section}.${code}: Krayin has no ${entity} attribute "${code}"`);
          }
        }
      }
      if (!items.some((i) => i.subject === 'Field map'))
        add('ok', 'Field map', `${count} custom attribute(s) exist in Krayin`);
    });
  }

  await step(add, 'Chatwoot API', async () => {
    await rt.chatwoot.checkAccess();
    const agents = await rt.chatwoot.listAgents();
    add(
      'ok',
      'Chatwoot API',
      `reachable at ${config.chatwoot.url}, account ${config.chatwoot.accountId} (${agents.length} agents)`,
    );
  });

  if (!config.chatwoot.webhookSecret) {
    add(
      'warning',
      'Webhooks',
      config.chatwoot.webhookToken
        ? 'CHATWOOT_WEBHOOK_SECRET is not set: deliveries are authenticated by the URL token only (for Chatwoot older than 4.11.2)'
        : 'neither CHATWOOT_WEBHOOK_SECRET nor CHATWOOT_WEBHOOK_TOKEN is set: webhooks are accepted from anyone (ALLOW_UNSIGNED_WEBHOOKS)',
    );
  }
  if (!config.enabled) add('warning', 'Connection', 'disabled: webhooks are answered but start no sync');

  return { connectionId: config.id, items, ok: items.every((i) => i.level !== 'problem') };
}

/** The resolved lead target as Krayin ids, leaving out what is not set. */
function describeTarget(target: LeadTarget): string {
  const parts = [`pipeline #${target.pipelineId}`, `stage #${target.stageId}`];
  if (target.sourceId !== null) parts.push(`source #${target.sourceId}`);
  if (target.typeId !== null) parts.push(`type #${target.typeId}`);
  if (target.ownerId !== null) parts.push(`owner #${target.ownerId}`);
  return parts.join(', ');
}

/** Runs one check; a failure becomes a problem naming the setting to fix. Resolves true when it ran. */
async function step(
  add: (level: CheckItem['level'], subject: string, message: string) => void,
  subject: string,
  fn: () => Promise<void>,
): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    add('problem', subject, explain(err));
    return false;
  }
}

function explain(err: unknown): string {
  if (err instanceof ConnectionConfigError) return err.message;
  if (err instanceof KrayinAuthError) return `KRAYIN_TOKEN: Krayin refused the token (HTTP ${err.status})`;
  if (err instanceof KrayinError) return `KRAYIN_URL: Krayin did not answer usefully (${err.kind}: ${err.message})`;
  if (err instanceof ChatwootAuthError) return 'CHATWOOT_API_TOKEN: Chatwoot refused the token';
  if (err instanceof ChatwootError) return `CHATWOOT_URL / CHATWOOT_ACCOUNT_ID: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** The report as text for a terminal: one line per item, a mark per level. */
export function formatReports(reports: ConnectionReport[]): string {
  const mark = { ok: '  ok      ', warning: '  warning ', problem: '  PROBLEM ' } as const;
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`Connection "${r.connectionId}": ${r.ok ? 'ready' : 'NOT READY'}`);
    for (const i of r.items) lines.push(`${mark[i.level]}${i.subject}: ${i.message}`);
  }
  return lines.join('\n');
}
