/**
 * The mapping page's HTML (src/console/pages/mapping-view.ts): the two-way ownership table when two-way
 * sync is on, configured values Krayin lacks kept visible, labels on every input, and a contact's data
 * escaped in the preview.
 */
import type { ChatwootApiContact } from '../../src/chatwoot/api-schemas';
import { connectionSchema, type ConnectionConfig } from '../../src/config/schema';
import { checkFieldRows, rowOfStageRule, rowsOfFieldMap } from '../../src/console/pages/mapping-validate';
import { mappingBody, type MappingView } from '../../src/console/pages/mapping-view';
import type { PreviewResult } from '../../src/console/pages/mapping-preview';

function connection(extra: Record<string, unknown> = {}): ConnectionConfig {
  return connectionSchema.parse({
    id: 'acme',
    krayin: { url: 'http://krayin.invalid/api/v1', token: '1|secret-token-value' },
    chatwoot: { url: 'http://chatwoot.invalid', accountId: 1, apiToken: 'cw-token', webhookSecret: 'x'.repeat(24) },
    ...extra,
  });
}

function view(conn: ConnectionConfig, extra: Partial<MappingView> = {}): MappingView {
  const fieldRows = rowsOfFieldMap(conn.sync.fieldMap);
  const ruleRows = conn.sync.stageRules.map(rowOfStageRule);
  return {
    session: { idHash: 'h', csrfToken: 'csrf-token-1', expiresAt: new Date() },
    connection: conn,
    connectionIds: [conn.id],
    catalog: { persons: [], organizations: [], leads: [] },
    catalogError: null,
    definitions: [],
    definitionsError: null,
    pipelines: [{ id: 1, name: 'Default Pipeline', is_default: 1, stages: [{ id: 1, code: 'new', name: 'New' }] }],
    pipelinesError: null,
    layers: { fieldMap: 'file', stageRules: null },
    fieldRows,
    fieldChecks: checkFieldRows(fieldRows, {
      catalog: { persons: [], organizations: [], leads: [] },
      definitions: [],
      syncOrganizations: true,
      leadPolicy: 'first_conversation',
    }),
    fieldsMessage: null,
    ruleRows,
    ruleChecks: ruleRows.map(() => ({ errors: [], warnings: [] })),
    rulesMessage: null,
    contactQuery: '',
    candidates: null,
    previewContact: null,
    preview: null,
    previewMessage: null,
    ...extra,
  };
}

describe('mapping page HTML', () => {
  it('shows the two-way ownership table only when two-way sync is on', () => {
    const off = mappingBody(view(connection())).value;
    expect(off).toContain('Two-way sync is off for this connection');
    expect(off).not.toContain('class="ownership"');
    const on = mappingBody(
      view(connection({ twoWay: { enabled: true, fieldOwnership: { job_title: 'chatwoot' }, tieGoesTo: 'chatwoot' } })),
    ).value;
    const table = on.slice(on.indexOf('class="ownership"'));
    expect(table).toMatch(/Job title<\/td>\s*<td>Chatwoot wins/);
    expect(table).toMatch(/Name<\/td>\s*<td>The newest change wins/);
    expect(on.replace(/\s+/g, ' ')).toContain('A tie goes to Chatwoot.');
  });

  it('keeps configured values Krayin lacks visible, with the row marked', () => {
    const conn = connection({
      sync: {
        fieldMap: { person: { cw_gone: 'custom_attributes.gone' } },
        stageRules: [{ on: 'assigned', stage: 'vanished' }],
      },
    });
    const out = mappingBody(view(conn)).value;
    expect(out).toContain('<option value="person.cw_gone" selected>person.cw_gone (not in Krayin)</option>');
    expect(out).toContain('Krayin has no person field with the code &quot;cw_gone&quot;.');
    expect(out).toContain('<option value="vanished" selected>vanished (not in Krayin)</option>');
    expect(out).toContain('In force: <strong>from the config file</strong>');
  });

  it("lets the stage be typed when Krayin's pipelines could not be loaded", () => {
    const conn = connection({ sync: { stageRules: [{ on: 'assigned', stage: 'qualified', pipeline: 'Sales' }] } });
    const out = mappingBody(view(conn, { pipelines: null, pipelinesError: 'Krayin answered 503' })).value;
    expect(out).toMatch(/<input id="stage-1" name="stage" value="qualified"/);
    expect(out).toContain('<option value="Sales" selected>Sales</option>');
    expect(out).toContain('Krayin&#39;s pipelines could not be loaded (Krayin answered 503).');
  });

  it('gives every input and select a label', () => {
    const out = mappingBody(view(connection({ sync: { stageRules: [{ on: 'assigned', stage: 'new' }] } }))).value;
    const ids = [...out.matchAll(/<(?:input|select)\s[^>]*id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) expect(out).toContain(`for="${id}"`);
  });

  it("escapes the contact's data in the preview", () => {
    const contact = {
      id: 9,
      name: '<img src=x onerror=alert(1)>',
      email: 'a@example.com',
      phone_number: null,
      identifier: null,
      additional_attributes: {},
      custom_attributes: {},
      created_at: 0,
    } as unknown as ChatwootApiContact;
    const preview: PreviewResult = {
      plan: {
        kind: 'sync',
        identity: { email: 'a@example.com', emailIsPlaceholder: false, phone: null },
        person: { name: contact.name!, emails: [], contact_numbers: [], job_title: null, attributes: {} },
        organization: null,
        lead: null,
      },
      person: { name: contact.name },
      organization: null,
      lead: null,
      leadProblem: null,
    };
    const out = mappingBody(view(connection(), { previewContact: contact, preview })).value;
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
