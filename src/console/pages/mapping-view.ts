/**
 * HTML of the mapping page: the field rows with their checks, the preview, the stage rules with the
 * pipelines' stages, and the two-way sync's field ownership. Every value goes through html``.
 */
import type { ChatwootApiContact, ChatwootAttributeDefinition } from '../../chatwoot/api-schemas';
import type { ConnectionConfig } from '../../config/schema';
import { effectiveOwnership, TWO_WAY_FIELDS, type FieldOwner } from '../../config/two-way';
import type { KrayinAttribute, KrayinPipeline } from '../../krayin/api';
import type { AttributeCatalog } from '../../mapping/attributes';
import { readChatwootPath } from '../../mapping/field-map';
import { MAP_SECTIONS, SECTION_ENTITY, isReservedField, type MapSection } from '../../mapping/fields';
import { PRIORITIES, SIMPLE_TRIGGERS } from '../../rules/triggers';
import type { SettingLayer } from '../../settings/types';
import { html, raw, type SafeHtml } from '../html';
import { csrfField } from '../layout';
import type { ConsoleSession } from '../types';
import type { PreviewResult } from './mapping-preview';
import {
  SECTION_WORDS,
  TRIGGER_WORDS,
  attributeTypeWords,
  type FieldRow,
  type RowCheck,
  type StageRuleRow,
} from './mapping-validate';

export interface MappingView {
  session: ConsoleSession;
  connection: ConnectionConfig;
  connectionIds: string[];
  catalog: AttributeCatalog | null;
  catalogError: string | null;
  definitions: ChatwootAttributeDefinition[] | null;
  definitionsError: string | null;
  pipelines: KrayinPipeline[] | null;
  pipelinesError: string | null;
  layers: { fieldMap: SettingLayer | null; stageRules: SettingLayer | null };
  fieldRows: FieldRow[];
  fieldChecks: RowCheck[];
  /** A message above the field rows (why nothing was saved). */
  fieldsMessage: string | null;
  ruleRows: StageRuleRow[];
  ruleChecks: RowCheck[];
  rulesMessage: string | null;
  contactQuery: string;
  candidates: ChatwootApiContact[] | null;
  previewContact: ChatwootApiContact | null;
  preview: PreviewResult | null;
  previewMessage: string | null;
}

const LAYER_WORDS: Record<SettingLayer, string> = {
  console: 'from the console',
  file: 'from the config file',
  env: 'from the environment',
  default: 'the built-in default',
};

const OWNER_WORDS: Record<FieldOwner, string> = {
  chatwoot: 'Chatwoot wins',
  krayin: 'Krayin wins',
  newest: 'The newest change wins',
};

const OWNERSHIP_FIELD_WORDS: Record<string, string> = {
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  job_title: 'Job title',
  organization: 'Organization',
};

/** Chatwoot fields offered in the path list (the additional attributes Chatwoot's own forms fill). */
const STANDARD_PATHS: [string, string][] = [
  ['name', 'Name'],
  ['email', 'Email'],
  ['phone_number', 'Phone number'],
  ['identifier', 'Identifier'],
  ['additional_attributes.company_name', 'Company'],
  ['additional_attributes.description', 'Bio'],
  ['additional_attributes.city', 'City'],
  ['additional_attributes.country', 'Country'],
  ['additional_attributes.country_code', 'Country code'],
  ['additional_attributes.social_profiles.linkedin', 'LinkedIn'],
];

export function mappingBody(v: MappingView): SafeHtml {
  return html`${connectionPicker(v)} ${loadProblems(v)}
    <section aria-labelledby="fields-h">
      <h2 id="fields-h">Field mapping</h2>
      ${layerLine(v.layers.fieldMap)}
      <p class="hint">
        Each row fills a Krayin field from a Chatwoot contact field. Name, emails, phone numbers and job title are
        mapped by default; a row for one of them replaces its default.
      </p>
      ${fieldsForm(v)}
    </section>
    ${referenceTables(v)}
    <section aria-labelledby="rules-h">
      <h2 id="rules-h">Stage rules</h2>
      ${layerLine(v.layers.stageRules)}
      <p class="hint">
        When something happens in one of a contact's conversations, move the contact's lead to a stage. Leads only move
        forward unless a rule allows moving back; won and lost leads are never moved.
      </p>
      ${stagesTable(v)} ${rulesForm(v)}
    </section>
    ${ownershipSection(v)}`;
}

function connectionPicker(v: MappingView): SafeHtml {
  if (v.connectionIds.length < 2) return html`<p class="hint">Connection: <strong>${v.connection.id}</strong></p>`;
  return html`<form method="get" action="/console/mapping" class="inline-form">
    <label for="connection-pick">Connection</label>
    <select id="connection-pick" name="connection">
      ${v.connectionIds.map(
        (id) => html`<option value="${id}" ${id === v.connection.id ? raw('selected') : ''}>${id}</option>`,
      )}
    </select>
    <button type="submit" class="secondary">Show</button>
  </form>`;
}

function loadProblems(v: MappingView): SafeHtml {
  const problems = [
    v.catalogError && `Krayin's fields could not be loaded (${v.catalogError}). Rows are checked without them.`,
    v.definitionsError && `Chatwoot's contact attributes could not be loaded (${v.definitionsError}).`,
    v.pipelinesError && `Krayin's pipelines could not be loaded (${v.pipelinesError}).`,
  ].filter((p): p is string => typeof p === 'string');
  return html`${problems.map((p) => html`<p class="error" role="alert">${p}</p>`)}`;
}

function layerLine(layer: SettingLayer | null): SafeHtml {
  const words = layer ? LAYER_WORDS[layer] : 'from the configuration';
  return html`<p class="hint setting-layer">In force: <strong>${words}</strong></p>`;
}

function checkCell(id: string, check: RowCheck | undefined): SafeHtml {
  const errors = check?.errors ?? [];
  const warnings = check?.warnings ?? [];
  return html`<td id="${id}">
    ${errors.map((e) => html`<p class="row-error">${e}</p>`)}
    ${warnings.map((w) => html`<p class="row-warning">${w}</p>`)}
    ${errors.length === 0 && warnings.length === 0 ? html`<span class="hint">—</span>` : ''}
  </td>`;
}

function attributeLabel(a: KrayinAttribute, reserved: boolean): string {
  const custom = a.is_user_defined === true || a.is_user_defined === 1 ? ', custom' : '';
  return `${a.name} (${a.code}) · ${attributeTypeWords(a)}${custom}${reserved ? ' · set by the sync' : ''}`;
}

function fieldSelect(v: MappingView, row: FieldRow, i: number): SafeHtml {
  const id = `field-${i + 1}`;
  const value = row.code === '' ? '' : `${row.section}.${row.code}`;
  const label = html`<label class="vh" for="${id}">Krayin field, row ${i + 1}</label>`;
  if (!v.catalog) {
    return html`${label}<input
        id="${id}"
        name="field"
        value="${value}"
        placeholder="person.code"
        aria-describedby="field-check-${i + 1}"
      />`;
  }
  const catalog = v.catalog;
  let found = value === '';
  const groups = MAP_SECTIONS.map((section) => {
    const attributes = catalog[SECTION_ENTITY[section]];
    return html`<optgroup label="${SECTION_WORDS[section]}">
      ${attributes.map((a) => {
        const optionValue = `${section}.${a.code}`;
        const selected = optionValue === value;
        if (selected) found = true;
        return html`<option value="${optionValue}" ${selected ? raw('selected') : ''}>
          ${attributeLabel(a, isReservedField(section, a.code))}
        </option>`;
      })}
    </optgroup>`;
  });
  const missing = found ? '' : html`<option value="${value}" selected>${value} (not in Krayin)</option>`;
  return html`${label}<select id="${id}" name="field" aria-describedby="field-check-${i + 1}">
      <option value="">Choose a Krayin field</option>
      ${missing} ${groups}
    </select>`;
}

function fieldsForm(v: MappingView): SafeHtml {
  const rows = v.fieldRows.map((row, i) => {
    const check = v.fieldChecks[i];
    const bad = (check?.errors.length ?? 0) > 0;
    return html`<tr class="${bad ? 'row-bad' : ''}" data-row="${i + 1}">
      <td>${i + 1}</td>
      <td>${fieldSelect(v, row, i)}</td>
      <td>
        <label class="vh" for="path-${i + 1}">Chatwoot field, row ${i + 1}</label>
        <input
          id="path-${i + 1}"
          name="path"
          list="chatwoot-fields"
          value="${row.path}"
          placeholder="custom_attributes.key"
          aria-describedby="field-check-${i + 1}"
          ${bad ? raw('aria-invalid="true"') : ''}
        />
      </td>
      ${checkCell(`field-check-${i + 1}`, check)}
      <td><button type="submit" name="action" value="remove-${i}" class="secondary">Remove row ${i + 1}</button></td>
    </tr>`;
  });
  return html`<form method="post" action="/console/mapping/fields" class="stack" id="fields-form">
    ${csrfField(v.session)}
    <input type="hidden" name="connection" value="${v.connection.id}" />
    <button type="submit" name="action" value="check" class="vh" tabindex="-1" aria-hidden="true">Check the rows</button>
    ${v.fieldsMessage ? html`<p class="error" role="alert">${v.fieldsMessage}</p>` : ''}
    <table>
      <caption class="vh">
        Field mapping rows
      </caption>
      <thead>
        <tr>
          <th scope="col">Row</th>
          <th scope="col">Krayin field</th>
          <th scope="col">Chatwoot field</th>
          <th scope="col">Check</th>
          <th scope="col"><span class="vh">Remove</span></th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    <datalist id="chatwoot-fields">
      ${STANDARD_PATHS.map(([path, name]) => html`<option value="${path}">${name}</option>`)}
      ${(v.definitions ?? []).map(
        (d) =>
          html`<option value="custom_attributes.${d.attribute_key}">
            ${d.attribute_display_name} (${d.attribute_display_type})
          </option>`,
      )}
    </datalist>
    <div class="button-row">
      <button type="submit" name="action" value="add" class="secondary">Add a row</button>
      <button type="submit" name="action" value="check" class="secondary">Check the rows</button>
      <button type="submit" name="action" value="save">Save the field mapping</button>
      ${
        v.layers.fieldMap === 'console'
          ? html`<button type="submit" name="action" value="reset" class="secondary">
              Go back to the configured mapping
            </button>`
          : ''
      }
    </div>
    ${previewPart(v)}
  </form>`;
}

function previewPart(v: MappingView): SafeHtml {
  return html`<fieldset class="preview-box">
    <legend>Preview with a real contact</legend>
    <p class="hint">
      Maps one Chatwoot contact with the rows above (saved or not) and shows what would be sent to Krayin for a new
      contact. Nothing is written to Krayin or Chatwoot.
    </p>
    <label for="contact-query">Chatwoot contact: id, name, email or phone</label>
    <div class="button-row">
      <input id="contact-query" name="contact" value="${v.contactQuery}" />
      <button type="submit" name="action" value="preview">Preview</button>
    </div>
    ${v.previewMessage ? html`<p class="notice" role="status">${v.previewMessage}</p>` : ''}
    ${
      v.candidates && v.candidates.length > 0
        ? html`<p>Several contacts match. Choose one:</p>
            <ul class="candidates">
              ${v.candidates.map(
                (c) =>
                  html`<li>
                    <button type="submit" name="action" value="preview-${c.id}" class="secondary">
                      Preview #${c.id}
                    </button>
                    ${c.name ?? '(no name)'} ${c.email ? html`· ${c.email}` : ''}
                    ${c.phone_number ? html`· ${c.phone_number}` : ''}
                  </li>`,
              )}
            </ul>`
        : ''
    }
    ${previewResult(v)}
  </fieldset>`;
}

function payload(title: string, endpoint: string, body: Record<string, unknown> | null, absent: string): SafeHtml {
  return html`<h4>${title}</h4>
    ${
      body
        ? html`<p class="hint">${endpoint}</p>
            <pre class="payload" data-payload="${title.toLowerCase()}">${JSON.stringify(body, null, 2)}</pre>`
        : html`<p class="hint">${absent}</p>`
    }`;
}

function previewResult(v: MappingView): SafeHtml {
  const contact = v.previewContact;
  const result = v.preview;
  if (!contact || !result) return html``;
  const heading = html`<h3 id="preview-h">
    Preview for contact #${contact.id} ${contact.name ? html`(${contact.name})` : ''}
  </h3>`;
  const plan = result.plan;
  if (plan.kind === 'skip') {
    return html`<section id="preview" aria-labelledby="preview-h">
      ${heading}
      <p class="notice">This contact would not be synced yet: ${plan.note}.</p>
    </section>`;
  }
  if (plan.kind === 'invalid') {
    return html`<section id="preview" aria-labelledby="preview-h">
      ${heading}
      <p class="error">This contact cannot be synced with these rows:</p>
      <ul>
        ${plan.problems.map((p) => html`<li><code>${p.field.replace(/^fieldMap\./, '')}</code>: ${p.message}</li>`)}
      </ul>
    </section>`;
  }
  const leadAbsent =
    result.leadProblem !== null
      ? `No lead: a lead setting does not match Krayin (${result.leadProblem}).`
      : v.connection.sync.leadPolicy === 'never'
        ? 'No lead: leads are not created for this connection.'
        : 'No lead.';
  return html`<section id="preview" aria-labelledby="preview-h">
    ${heading}
    ${
      v.connection.sync.leadPolicy === 'first_conversation' && result.lead
        ? html`<p class="hint">The lead is created when the contact's first conversation starts.</p>`
        : ''
    }
    ${
      plan.identity.emailIsPlaceholder
        ? html`<p class="hint">The contact has no email: a placeholder email is used.</p>`
        : ''
    }
    ${rowValues(v, contact, result)}
    ${payload('Person', 'Sent as POST /contacts/persons (the organization is linked once it exists).', result.person, 'No person.')}
    ${payload(
      'Organization',
      'Sent as POST /contacts/organizations.',
      result.organization,
      v.connection.sync.syncOrganizations
        ? 'No organization: the contact has no company.'
        : 'Organizations are not synced for this connection.',
    )}
    ${payload('Lead', 'Sent as POST /leads (linked to the person).', result.lead, leadAbsent)}
  </section>`;
}

/** Per row: what the contact holds there and what Krayin would get, in plain text. */
function rowValues(v: MappingView, contact: ChatwootApiContact, result: PreviewResult): SafeHtml {
  const bodies: Record<string, Record<string, unknown> | null> = {
    person: result.person,
    organization: result.organization,
    lead: result.lead,
  };
  const rows = v.fieldRows.filter((r) => r.code !== '' && r.path.trim() !== '');
  if (rows.length === 0) return html``;
  const show = (value: unknown) =>
    value === undefined ? '(not sent)' : typeof value === 'string' ? value : JSON.stringify(value);
  return html`<table class="row-values">
    <caption>
      What each row reads from this contact
    </caption>
    <thead>
      <tr>
        <th scope="col">Krayin field</th>
        <th scope="col">Chatwoot field</th>
        <th scope="col">Value in Chatwoot</th>
        <th scope="col">Sent to Krayin</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map((r) => {
        const raw = readChatwootPath(contact, r.path.trim());
        const body = bodies[r.section] ?? null;
        return html`<tr>
          <td>${SECTION_WORDS[r.section as MapSection] ?? r.section}: <code>${r.code}</code></td>
          <td><code>${r.path}</code></td>
          <td>${raw === undefined || raw === null ? '(empty)' : show(raw)}</td>
          <td>${body ? show(body[r.code]) : '(not sent)'}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

function referenceTables(v: MappingView): SafeHtml {
  const krayin = v.catalog
    ? MAP_SECTIONS.flatMap((section) =>
        v.catalog![SECTION_ENTITY[section]].map(
          (a) =>
            html`<tr>
              <td>${SECTION_WORDS[section]}</td>
              <td>${a.name}</td>
              <td><code>${a.code}</code></td>
              <td>
                ${attributeTypeWords(a)}${a.options.length > 0 ? html` (${a.options.map((o) => o.name).join(', ')})` : ''}
              </td>
              <td>${a.is_user_defined === true || a.is_user_defined === 1 ? 'yes' : 'no'}</td>
            </tr>`,
        ),
      )
    : [];
  const chatwoot = v.definitions ?? [];
  return html`<section aria-labelledby="ref-h">
    <h2 id="ref-h">Fields on each side</h2>
    <div class="side-by-side">
      <details open>
        <summary>Krayin fields (${krayin.length})</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Name</th>
              <th scope="col">Code</th>
              <th scope="col">Type</th>
              <th scope="col">Custom</th>
            </tr>
          </thead>
          <tbody>
            ${krayin}
          </tbody>
        </table>
      </details>
      <details open>
        <summary>Chatwoot contact fields (${STANDARD_PATHS.length + chatwoot.length})</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Path</th>
              <th scope="col">Kind</th>
            </tr>
          </thead>
          <tbody>
            ${STANDARD_PATHS.map(
              ([path, name]) =>
                html`<tr>
                  <td>${name}</td>
                  <td><code>${path}</code></td>
                  <td>standard</td>
                </tr>`,
            )}
            ${chatwoot.map(
              (d) =>
                html`<tr>
                  <td>${d.attribute_display_name}</td>
                  <td><code>custom_attributes.${d.attribute_key}</code></td>
                  <td>${d.attribute_display_type}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </details>
    </div>
  </section>`;
}

function stagesTable(v: MappingView): SafeHtml {
  if (!v.pipelines) return html``;
  return html`<table class="stages">
    <caption>
      Krayin pipelines and their stages, in order
    </caption>
    <thead>
      <tr>
        <th scope="col">Pipeline</th>
        <th scope="col">Stages</th>
      </tr>
    </thead>
    <tbody>
      ${v.pipelines.map(
        (p) =>
          html`<tr>
            <td>${p.name}${p.is_default === 1 ? ' (default)' : ''}</td>
            <td>${p.stages.map((s) => s.name).join(' → ')}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function matchesRef(id: number, names: string[], ref: string): boolean {
  const t = ref.trim();
  if (t === '') return false;
  if (/^\d+$/.test(t)) return id === Number(t);
  return names.some((n) => n.toLowerCase() === t.toLowerCase());
}

function ruleRowHtml(v: MappingView, row: StageRuleRow, i: number): SafeHtml {
  const n = i + 1;
  const check = v.ruleChecks[i];
  const bad = (check?.errors.length ?? 0) > 0;
  const triggers = [...SIMPLE_TRIGGERS, 'label_added', 'priority'];
  const pipelines = v.pipelines ?? [];
  const pipeline = pipelines.find((p) => matchesRef(p.id, [p.name], row.pipeline));
  const stagePipelines = pipeline ? [pipeline] : pipelines;
  let stageFound = row.stage.trim() === '';
  const stageGroups = stagePipelines.map(
    (p) =>
      html`<optgroup label="${p.name}">
        ${p.stages.map((s) => {
          const selected = !stageFound && matchesRef(s.id, [s.code, s.name], row.stage);
          if (selected) stageFound = true;
          return html`<option value="${s.code}" ${selected ? raw('selected') : ''}>${s.name}</option>`;
        })}
      </optgroup>`,
  );
  const pipelineFound = row.pipeline.trim() === '' || pipeline !== undefined;
  return html`<tr class="${bad ? 'row-bad' : ''}" data-rule="${n}">
    <td>
      <label class="vh" for="on-${n}">When, rule ${n}</label>
      <select id="on-${n}" name="on" aria-describedby="rule-check-${n}">
        <option value="">Choose when</option>
        ${triggers.map(
          (t) => html`<option value="${t}" ${t === row.on ? raw('selected') : ''}>${TRIGGER_WORDS[t] ?? t}</option>`,
        )}
      </select>
    </td>
    <td>
      <label class="vh" for="param-${n}">Label or priority, rule ${n}</label>
      <input
        id="param-${n}"
        name="param"
        value="${row.param}"
        list="priorities"
        size="12"
        aria-describedby="rule-check-${n}"
      />
    </td>
    <td>
      <label class="vh" for="stage-${n}">Stage, rule ${n}</label>
      ${
        v.pipelines
          ? html`<select id="stage-${n}" name="stage" aria-describedby="rule-check-${n}">
        <option value="">Choose a stage</option>
        ${stageFound ? '' : html`<option value="${row.stage}" selected>${row.stage} (not in Krayin)</option>`}
        ${stageGroups}
      </select>`
          : html`<input id="stage-${n}" name="stage" value="${row.stage}" size="12" aria-describedby="rule-check-${n}" />`
      }
    </td>
    <td>
      <label class="vh" for="pipeline-${n}">Only in pipeline, rule ${n}</label>
      <select id="pipeline-${n}" name="pipeline">
        <option value="">Any pipeline</option>
        ${pipelineFound ? '' : html`<option value="${row.pipeline}" selected>${row.pipeline}${v.pipelines ? ' (not in Krayin)' : ''}</option>`}
        ${pipelines.map(
          (p) => html`<option value="${p.id}" ${p === pipeline ? raw('selected') : ''}>${p.name}</option>`,
        )}
      </select>
    </td>
    <td>
      <label class="vh" for="back-${n}">May move back, rule ${n}</label>
      <select id="back-${n}" name="back">
        <option value="no" ${row.allowBackwards ? '' : raw('selected')}>No</option>
        <option value="yes" ${row.allowBackwards ? raw('selected') : ''}>Yes</option>
      </select>
    </td>
    ${checkCell(`rule-check-${n}`, check)}
    <td><button type="submit" name="action" value="remove-${i}" class="secondary">Remove rule ${n}</button></td>
  </tr>`;
}

function rulesForm(v: MappingView): SafeHtml {
  return html`<form method="post" action="/console/mapping/stage-rules" class="stack" id="rules-form">
    ${csrfField(v.session)}
    <input type="hidden" name="connection" value="${v.connection.id}" />
    <button type="submit" name="action" value="check" class="vh" tabindex="-1" aria-hidden="true">Check the rules</button>
    ${v.rulesMessage ? html`<p class="error" role="alert">${v.rulesMessage}</p>` : ''}
    <table>
      <caption class="vh">
        Stage rules
      </caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Label or priority</th>
          <th scope="col">Move the lead to</th>
          <th scope="col">Only in pipeline</th>
          <th scope="col">May move back</th>
          <th scope="col">Check</th>
          <th scope="col"><span class="vh">Remove</span></th>
        </tr>
      </thead>
      <tbody>
        ${v.ruleRows.map((row, i) => ruleRowHtml(v, row, i))}
      </tbody>
    </table>
    <datalist id="priorities">${PRIORITIES.map((p) => html`<option value="${p}"></option>`)}</datalist>
    <div class="button-row">
      <button type="submit" name="action" value="add" class="secondary">Add a rule</button>
      <button type="submit" name="action" value="check" class="secondary">Check the rules</button>
      <button type="submit" name="action" value="save">Save the stage rules</button>
      ${
        v.layers.stageRules === 'console'
          ? html`<button type="submit" name="action" value="reset" class="secondary">
              Go back to the configured rules
            </button>`
          : ''
      }
    </div>
  </form>`;
}

function ownershipSection(v: MappingView): SafeHtml {
  const twoWay = v.connection.twoWay;
  if (!twoWay.enabled) {
    return html`<section aria-labelledby="owner-h">
      <h2 id="owner-h">Who wins when both sides change</h2>
      <p>Two-way sync is off for this connection: Chatwoot is the source of every mapped field.</p>
    </section>`;
  }
  const owners = effectiveOwnership(twoWay);
  return html`<section aria-labelledby="owner-h">
    <h2 id="owner-h">Who wins when both sides change</h2>
    <p class="hint">
      Two-way sync is on: changes made in Krayin flow back to Chatwoot. When both sides changed a field, this decides. A
      tie goes to ${twoWay.tieGoesTo === 'krayin' ? 'Krayin' : 'Chatwoot'}.
    </p>
    <table class="ownership">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">When both changed</th>
        </tr>
      </thead>
      <tbody>
        ${TWO_WAY_FIELDS.map(
          (f) =>
            html`<tr>
              <td>${OWNERSHIP_FIELD_WORDS[f] ?? f}</td>
              <td>${OWNER_WORDS[owners[f]]}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
