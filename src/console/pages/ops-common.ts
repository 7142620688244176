/** Small pieces the Problems and the Imports and repairs pages share. */
import type { Request } from 'express';
import { html, type SafeHtml } from '../html';
import type { ConnectionConfig } from '../../config/schema';
import type { ConsoleDeps } from '../types';

/** The connection a request names (`connection` in the query or the form), else the first one. */
export function chosenConnection(deps: ConsoleDeps, req: Request): ConnectionConfig | null {
  const all = deps.connections();
  const body = req.body as Record<string, unknown> | undefined;
  const asked =
    typeof req.query.connection === 'string'
      ? req.query.connection
      : typeof body?.connection === 'string'
        ? body.connection
        : undefined;
  if (asked === undefined) return all[0] ?? null;
  return all.find((c) => c.id === asked) ?? null;
}

/** A GET form to switch connection (only shown when there is more than one). */
export function connectionPicker(deps: ConsoleDeps, action: string, current: ConnectionConfig): SafeHtml {
  const all = deps.connections();
  if (all.length < 2) return html``;
  return html`<form method="get" action="${action}" class="inline">
    <label for="connection">Connection</label>
    <select id="connection" name="connection">
      ${all.map((c) => html`<option value="${c.id}" ${c.id === current.id ? 'selected' : ''}>${c.id}</option>`)}
    </select>
    <button type="submit" class="secondary">Show</button>
  </form>`;
}

/** "2026-12-07 12:40 UTC" inside a <time>. */
export function when(date: Date | string | null | undefined): SafeHtml {
  if (!date) return html`—`;
  const d = typeof date === 'string' ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return html`—`;
  const text = `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return html`<time datetime="${d.toISOString()}">${text}</time>`;
}

/** Deep link into the Temporal Web UI for operators (null when its address is not known). */
export function temporalLink(deps: ConsoleDeps, workflowId: string): string | null {
  if (!deps.temporalUiUrl) return null;
  const base = deps.temporalUiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(deps.config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** A whole number from a query value, or null. */
export function intParam(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value)) return null;
  return Number(value);
}
