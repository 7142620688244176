/**
 * The HTML of the connections page: the list (one card per connection), the add/edit form with each
 * value's layer, the check report and the delete confirmation. Secrets are never rendered: a secret
 * field shows only whether one is set.
 */
import type { CheckItem, ConnectionReport } from '../../check/connection-check';
import type { ConnectionConfig } from '../../config/schema';
import type { ConnectionSettingsView, SettingLayer, SettingsIssue } from '../../settings/types';
import type { SwitchState } from '../../ops/connection-switches';
import { html, raw, type SafeHtml } from '../html';
import { csrfField } from '../layout';
import type { ConsoleSession } from '../types';
import { FIELDS, fieldId, fieldState, GROUPS, LAYER_WORDS, type FieldDef, type FormBody } from './connections-fields';

export interface ConnectionCard {
  id: string;
  view: ConnectionSettingsView | null;
  connection: ConnectionConfig | undefined;
  switchState: SwitchState;
  held: { events: number; contacts: number };
}

const BASE = '/console/connections';

/** "2026-12-07 12:50:58 UTC" */
function utc(d: Date): string {
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function layerBadge(layer: SettingLayer | null): SafeHtml | string {
  return layer ? html`<span class="layer layer-${layer}">${LAYER_WORDS[layer]}</span>` : '';
}

/** On, paused (switch), or off in the configuration (`enabled: false`). */
function status(card: ConnectionCard): { word: string; cls: string } {
  const enabled = card.view?.enabled ?? card.connection?.enabled ?? true;
  if (!enabled) return { word: 'Off in the configuration', cls: 'warn' };
  if (card.switchState.disabled) return { word: 'Paused', cls: 'warn' };
  return { word: 'On', cls: 'ok' };
}

function value(card: ConnectionCard, path: string): { text: string; layer: SettingLayer | null } {
  const field = FIELDS.find((f) => f.path === path)!;
  const s = fieldState(field, card.view, card.connection);
  return { text: s.text, layer: s.layer };
}

export function listBody(cards: ConnectionCard[], session: ConsoleSession): SafeHtml {
  const intro = html`<p>
    Each connection links one Chatwoot account to one Krayin. <a href="${BASE}/new">Add a connection</a>
  </p>`;
  if (cards.length === 0)
    return html`${intro}
      <p>No connection yet.</p>`;
  return html`${intro}
    <div class="conn-cards">${cards.map((c) => card(c, session))}</div>`;
}

function card(c: ConnectionCard, session: ConsoleSession): SafeHtml {
  const st = status(c);
  const cwUrl = value(c, 'chatwoot.url');
  const account = value(c, 'chatwoot.accountId');
  const krUrl = value(c, 'krayin.url');
  const origin = c.view?.origin ?? 'config';
  const paused = c.switchState.disabled;
  // Off in the configuration (`enabled: false`): turned on here as a console value over it.
  const offInConfig = !(c.view?.enabled ?? c.connection?.enabled ?? true);
  return html`<section class="conn-card" aria-labelledby="conn-${c.id}" data-connection="${c.id}">
    <h2 id="conn-${c.id}">${c.id} <span class="conn-status ${st.cls}">${st.word}</span></h2>
    <dl class="conn-facts">
      <dt>Chatwoot</dt>
      <dd>${cwUrl.text} ${layerBadge(cwUrl.layer)}</dd>
      <dt>Chatwoot account</dt>
      <dd>${account.text} ${layerBadge(account.layer)}</dd>
      <dt>Krayin</dt>
      <dd>${krUrl.text} ${layerBadge(krUrl.layer)}</dd>
      <dt>Added</dt>
      <dd>${origin === 'console' ? 'in the console' : 'in the configuration (config file or environment)'}</dd>
    </dl>
    ${
      c.view?.problems?.length
        ? html`<div class="error">
            <p>Values saved in the console are not in force:</p>
            <ul>
              ${c.view.problems.map((p) => html`<li>${p}</li>`)}
            </ul>
          </div>`
        : ''
    }
    ${
      paused
        ? html`<p class="hint">
            Paused since ${c.switchState.since ? utc(new Date(c.switchState.since)) : 'a while'}: Chatwoot changes are received and kept, not copied.
            ${c.held.events > 0 ? html`${c.held.events} change(s) of ${c.held.contacts} contact(s) are waiting.` : ''}
          </p>`
        : ''
    }
    <div class="conn-actions">
      <form
        method="post"
        action="${BASE}/${c.id}/check"
        class="inline check-form"
        hx-post="${BASE}/${c.id}/check"
        hx-target="#report-${c.id}"
        hx-swap="innerHTML"
        hx-disabled-elt="find button"
      >
        ${csrfField(session)}
        <button type="submit" aria-describedby="report-${c.id}">Check ${c.id}</button>
        <span class="conn-busy" aria-hidden="true">Checking…</span>
      </form>
      ${
        offInConfig
          ? html`<form method="post" action="${BASE}/${c.id}/turn-on" class="inline">
            ${csrfField(session)}
            <button type="submit" class="secondary">Turn on ${c.id}</button>
          </form>`
          : html`<form method="post" action="${BASE}/${c.id}/${paused ? 'resume' : 'pause'}" class="inline">
            ${csrfField(session)}
            <button type="submit" class="secondary">${paused ? 'Resume' : 'Pause'} ${c.id}</button>
          </form>`
      }
      <a href="${BASE}/${c.id}/edit">Edit ${c.id}</a>
      ${origin === 'console' ? html`<a href="${BASE}/${c.id}/delete">Delete ${c.id}</a>` : ''}
    </div>
    <div id="report-${c.id}" class="conn-report" aria-live="polite"></div>
  </section>`;
}

const LEVEL_WORDS: Record<CheckItem['level'], string> = { ok: 'OK', warning: 'Warning', problem: 'Problem' };
const LEVEL_CLASS: Record<CheckItem['level'], string> = { ok: 'ok', warning: 'warn', problem: 'bad' };

export function reportFragment(report: ConnectionReport, at: Date): SafeHtml {
  return html`<div class="check-report" data-ready="${report.ok ? 'yes' : 'no'}">
    <h3>
      Check of ${report.connectionId}:
      <span class="${report.ok ? 'ok' : 'bad'}">${report.ok ? 'ready' : 'not ready'}</span>
    </h3>
    <p class="hint">Checked at ${utc(at)}. Nothing was changed.</p>
    <table>
      <thead>
        <tr>
          <th scope="col">Result</th>
          <th scope="col">What</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        ${report.items.map(
          (i) =>
            html`<tr>
              <td class="${LEVEL_CLASS[i.level]}">${LEVEL_WORDS[i.level]}</td>
              <td>${i.subject}</td>
              <td>${i.message}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function checkFailedFragment(id: string, message: string): SafeHtml {
  return html`<p class="error">The check of ${id} could not run: ${message}</p>`;
}

export interface FormOptions {
  mode: 'new' | 'edit';
  id: string;
  view: ConnectionSettingsView | null;
  connection: ConnectionConfig | undefined;
  session: ConsoleSession;
  /** What was submitted (shown again after a refused save; secrets never). */
  body?: FormBody;
  byField?: Map<string, string[]>;
  other?: SettingsIssue[];
}

function errorsOf(name: string, byField: Map<string, string[]> | undefined): string[] {
  return byField?.get(name) ?? [];
}

function fieldHtml(field: FieldDef, o: FormOptions): SafeHtml {
  const id = fieldId(field.path);
  const state = fieldState(field, o.view, o.connection);
  const errors = errorsOf(field.path, o.byField);
  const submitted = o.body?.[field.path];
  const text =
    field.kind === 'secret' ? '' : typeof submitted === 'string' ? submitted : o.mode === 'edit' ? state.text : '';
  const describedBy = [`${id}-hint`, errors.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  const required = o.mode === 'new' && field.required;
  const invalid = errors.length ? raw(' aria-invalid="true"') : '';
  const req = required ? raw(' required') : '';
  let control: SafeHtml;
  if (field.kind === 'select') {
    const current = text || (o.mode === 'new' ? 'first_conversation' : '');
    control = html`<select id="${id}" name="${field.path}" aria-describedby="${describedBy}" ${invalid}>
      ${field.options!.map(
        (opt) =>
          html`<option value="${opt.value}" ${opt.value === current ? raw('selected') : ''}>${opt.label}</option>`,
      )}
    </select>`;
  } else {
    const type = field.kind === 'secret' ? 'password' : field.kind === 'url' ? 'url' : 'text';
    const mode = field.kind === 'int' || field.kind === 'number' ? raw(' inputmode="decimal"') : '';
    control = html`<input
      id="${id}"
      name="${field.path}"
      type="${type}"
      value="${text}"
      autocomplete="${field.kind === 'secret' ? 'new-password' : 'off'}"
      aria-describedby="${describedBy}"
      ${mode}${req}${invalid}
    />`;
  }
  const secretNote =
    field.kind === 'secret'
      ? html`<span class="secret-state">${state.secretSet ? 'set' : 'not set'}</span>
          ${o.mode === 'edit' ? html`<span class="hint">Type a new value to replace it; leave empty to keep it.</span>` : ''}`
      : '';
  return html`<div class="field${errors.length ? ' has-error' : ''}">
    <label for="${id}">${field.label}${required ? ' (required)' : ''}</label>
    ${control}
    <div id="${id}-hint" class="hint">
      ${o.mode === 'edit' ? layerBadge(state.layer) : ''} ${secretNote} ${field.hint ?? ''}
    </div>
    ${errors.length ? html`<div id="${id}-error" class="field-error">${errors.join('; ')}</div>` : ''}
  </div>`;
}

export function formBody(o: FormOptions): SafeHtml {
  const action = o.mode === 'new' ? `${BASE}/new` : `${BASE}/${o.id}`;
  const idErrors = errorsOf('id', o.byField);
  const hasErrors = (o.byField?.size ?? 0) > 0 || (o.other?.length ?? 0) > 0;
  return html`${
    hasErrors
      ? html`<div class="error" role="alert">
            <p>Nothing was saved: please correct the fields marked below.</p>
            ${
              o.other?.length
                ? html`<ul>
                    ${o.other.map((i) => html`<li>${i.path ? `${i.path}: ` : ''}${i.message}</li>`)}
                  </ul>`
                : ''
            }
          </div>`
      : ''
  }
    <p><a href="${BASE}">Back to the connections</a></p>
    ${
      o.mode === 'edit'
        ? html`<p class="hint">
            Each value says where it comes from. A value saved here replaces the one from the config file or the
            environment; empty a field to use that one again. Secrets are never shown: type one only to change it.
          </p>`
        : html`<p class="hint">Secrets are stored encrypted and never shown again.</p>`
    }
    <form method="post" action="${action}" class="conn-form" novalidate>
      ${csrfField(o.session)}
      ${
        o.mode === 'new'
          ? html`<div class="field${idErrors.length ? ' has-error' : ''}">
              <label for="f-id">Connection name (required)</label>
              <input
                id="f-id"
                name="id"
                type="text"
                required
                autocomplete="off"
                value="${typeof o.body?.id === 'string' ? o.body.id : ''}"
                aria-describedby="f-id-hint${idErrors.length ? ' f-id-error' : ''}"
                ${idErrors.length ? raw('aria-invalid="true"') : ''}
              />
              <div id="f-id-hint" class="hint">
                Lower-case letters, digits, "-" or "_", for example "emea". It cannot be changed later.
              </div>
              ${idErrors.length ? html`<div id="f-id-error" class="field-error">${idErrors.join('; ')}</div>` : ''}
            </div>`
          : ''
      }
      ${GROUPS.map(
        (g) =>
          html`<fieldset>
            <legend>${g.legend}</legend>
            ${FIELDS.filter((f) => f.group === g.key).map((f) => fieldHtml(f, o))}
          </fieldset>`,
      )}
      <button type="submit">${o.mode === 'new' ? 'Add the connection' : 'Save changes'}</button>
    </form>`;
}

export function deleteBody(id: string, session: ConsoleSession): SafeHtml {
  return html`<p>
      Delete the connection <strong>${id}</strong>? Chatwoot changes of this account will no longer be copied to Krayin.
      Records already in Krayin stay.
    </p>
    <form method="post" action="${BASE}/${id}/delete" class="inline">
      ${csrfField(session)}
      <button type="submit" class="danger">Delete ${id}</button>
    </form>
    <a href="${BASE}">Keep it</a>`;
}
