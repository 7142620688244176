/**
 * CRM facts in Chatwoot, the pure part (src/two-way/lead-attributes.ts) and its settings
 * (src/config/crm-attributes.ts): lead -> `crm_*` values (Krayin's time-zone quirk undone), what to write
 * given what was written, the stage label, the change note, and the echo check of the forward path.
 */
import { crmFactsSchema, krayinWebBase } from '../../src/config/crm-attributes';
import { loadConfigFromEnv } from '../../src/config/env';
import type { KrayinLead, KrayinPipeline } from '../../src/krayin/api';
import {
  attributeHashes,
  attributesHash,
  attributeWrite,
  CRM_ATTRIBUTE_DEFINITIONS,
  crmAttributeValues,
  isCrmFactsEcho,
  leadChangeNote,
  leadFacts,
  nextLabels,
  stageLabel,
  valueHash,
  type LeadFacts,
} from '../../src/two-way/lead-attributes';

const PIPELINES: KrayinPipeline[] = [
  {
    id: 1,
    name: 'Default Pipeline',
    is_default: 1,
    stages: [
      { id: 1, code: 'new', name: 'New' },
      { id: 4, code: 'negotiation', name: 'Negotiation' },
      { id: 5, code: 'won', name: 'Won' },
      { id: 6, code: 'lost', name: 'Lost' },
    ],
  } as KrayinPipeline,
  { id: 2, name: 'Partners', is_default: 0, stages: [{ id: 9, code: 'talks', name: 'Talks' }] } as KrayinPipeline,
];
const MAX = { id: 3, name: 'Max Seller', email: 'max@crm.example', status: 1, view_permission: 'global' };

/** As GET /leads/{id} answers on a Krayin with APP_TIMEZONE Asia/Kolkata (krayin-api.md §1.6, §8.3). */
function lead(overrides: Partial<KrayinLead> = {}): KrayinLead {
  return {
    id: 42,
    title: 'Acme deal',
    description: null,
    lead_value: '2500.5000',
    status: 1,
    lost_reason: null,
    closed_at: null,
    user: MAX,
    person: null,
    lead_source_id: 1,
    lead_type_id: 1,
    lead_pipeline_id: 1,
    lead_pipeline_stage_id: 4,
    expected_close_date: '2030-01-14T18:30:00.000000Z',
    created_at: '2026-11-23T20:28:54.000000Z',
    updated_at: '2026-11-23T20:28:54.000000Z',
    ...overrides,
  };
}

const OPTS = { timeZone: 'Asia/Kolkata', webBase: 'https://crm.example' };
const facts = (overrides: Partial<KrayinLead> = {}) =>
  leadFacts(lead(overrides), { pipelines: PIPELINES, users: [] }, OPTS);

describe('leadFacts', () => {
  it('names the stage, pipeline and owner, parses the value and gives the close date as set in Krayin', () => {
    expect(facts()).toEqual({
      leadId: 42,
      stageId: 4,
      stageName: 'Negotiation',
      stageCode: 'negotiation',
      pipelineId: 1,
      pipelineName: 'Default Pipeline',
      value: 2500.5,
      ownerId: 3,
      ownerName: 'Max Seller',
      // 2030-01-14T18:30Z is local midnight of the 15th in IST: the date sales picked.
      expectedClose: '2030-01-15',
      url: 'https://crm.example/admin/leads/view/42',
    });
  });

  it('in a UTC Krayin the same date comes back as midnight UTC', () => {
    const utc = leadFacts(
      lead({ expected_close_date: '2030-01-15T00:00:00.000000Z' }),
      { pipelines: PIPELINES, users: [] },
      { ...OPTS, timeZone: 'UTC' },
    );
    expect(utc.expectedClose).toBe('2030-01-15');
  });

  it('leaves out what the lead lacks: no owner, value, close date; an unknown stage keeps its pipeline id', () => {
    const f = facts({ user: null, lead_value: null, expected_close_date: null, lead_pipeline_stage_id: 99 });
    expect(f).toMatchObject({
      stageId: 99,
      stageName: null,
      pipelineName: 'Default Pipeline',
      value: null,
      ownerId: null,
      ownerName: null,
      expectedClose: null,
    });
  });

  it('finds the pipeline by the stage (Krayin moves the pipeline with the stage) and the owner name in the user list', () => {
    const f = leadFacts(
      lead({ lead_pipeline_stage_id: 9, user: { ...MAX, name: '' } }),
      { pipelines: PIPELINES, users: [MAX] },
      OPTS,
    );
    expect([f.pipelineName, f.stageName, f.ownerName]).toEqual(['Partners', 'Talks', 'Max Seller']);
  });
});

describe('attribute values and writes', () => {
  it('has a definition, with the right display type, for every value', () => {
    const values = crmAttributeValues(facts());
    expect(CRM_ATTRIBUTE_DEFINITIONS.map((d) => d.key).sort()).toEqual(Object.keys(values).sort());
    const types = Object.fromEntries(CRM_ATTRIBUTE_DEFINITIONS.map((d) => [d.key, d.displayType]));
    expect(types).toEqual({
      crm_lead_stage: 'text',
      crm_pipeline: 'text',
      crm_lead_value: 'number',
      crm_lead_owner: 'text',
      crm_expected_close: 'date',
      crm_lead_url: 'link',
    });
    expect(typeof values.crm_lead_value).toBe('number');
    expect(Object.keys(values).every((k) => k.startsWith('crm_'))).toBe(true);
  });

  it('first write: every present value; none of the absent ones', () => {
    const values = crmAttributeValues(facts({ expected_close_date: null }));
    const write = attributeWrite(values, null);
    expect(Object.keys(write.set).sort()).toEqual(
      ['crm_lead_owner', 'crm_lead_stage', 'crm_lead_url', 'crm_lead_value', 'crm_pipeline'].sort(),
    );
    expect(write.remove).toEqual([]);
  });

  it('then only what changed, and a value that is gone is removed', () => {
    const before = crmAttributeValues(facts());
    const after = crmAttributeValues(facts({ lead_pipeline_stage_id: 5, expected_close_date: null }));
    expect(attributeWrite(after, attributeHashes(before))).toEqual({
      set: { crm_lead_stage: 'Won' },
      remove: ['crm_expected_close'],
    });
    expect(attributeWrite(before, attributeHashes(before))).toEqual({ set: {}, remove: [] });
    expect(attributesHash(after)).not.toBe(attributesHash(before));
    expect(attributesHash(crmAttributeValues(facts()))).toBe(attributesHash(before));
  });

  it('keeps hashes, never values: the owner name is not in what the store gets', () => {
    const stored = JSON.stringify(attributeHashes(crmAttributeValues(facts())));
    expect(stored).not.toMatch(/Max|Negotiation|2500/);
  });
});

describe('stage labels', () => {
  const map = { Won: 'crm-won', lost: 'crm-lost', '4': 'crm-hot' };

  it('matches a stage by name or code (any case) or by id', () => {
    expect(stageLabel({ stageId: 5, stageCode: 'won', stageName: 'Won' }, map)).toBe('crm-won');
    expect(stageLabel({ stageId: 6, stageCode: 'lost', stageName: 'Closed lost' }, map)).toBe('crm-lost');
    expect(stageLabel({ stageId: 4, stageCode: 'negotiation', stageName: 'Negotiation' }, map)).toBe('crm-hot');
    expect(stageLabel({ stageId: 1, stageCode: 'new', stageName: 'New' }, map)).toBeNull();
    expect(stageLabel({ stageId: 5, stageCode: 'won', stageName: 'Won' }, {})).toBeNull();
  });

  it("replaces only this service's crm- labels, keeping the agents' in place", () => {
    expect(nextLabels(['vip', 'crm-hot', 'upgrade', 'crm-old'], 'crm-won')).toEqual(['vip', 'upgrade', 'crm-won']);
    expect(nextLabels(['vip', 'crm-won'], null)).toEqual(['vip']);
    expect(nextLabels([], 'crm-won')).toEqual(['crm-won']);
  });
});

describe('leadChangeNote', () => {
  const base: LeadFacts = facts();

  it('says nothing on the first write or when neither stage nor owner changed', () => {
    expect(leadChangeNote(null, base)).toBeNull();
    expect(leadChangeNote({ stageId: 4, ownerId: 3 }, base)).toBeNull();
  });

  it('names the new stage (and pipeline) and the owner, with the link', () => {
    expect(leadChangeNote({ stageId: 1, ownerId: 3 }, base)).toBe(
      'CRM: lead moved to Negotiation (Default Pipeline), owner Max Seller\nhttps://crm.example/admin/leads/view/42',
    );
    expect(leadChangeNote({ stageId: 4, ownerId: null }, base)).toBe(
      'CRM: lead owner changed to Max Seller (stage Negotiation)\nhttps://crm.example/admin/leads/view/42',
    );
    expect(leadChangeNote({ stageId: 1, ownerId: 8 }, facts({ user: null }))).toBe(
      'CRM: lead moved to Negotiation (Default Pipeline), owner changed to nobody\nhttps://crm.example/admin/leads/view/42',
    );
  });
});

describe('isCrmFactsEcho (the forward path drops our own writes)', () => {
  const values = crmAttributeValues(facts());
  const written = { attributeHashes: attributeHashes(values), labels: ['crm-hot'] };
  const updatedAt = {
    updated_at: { previous_value: '2026-06-20T08:55:12.347Z', current_value: '2026-06-20T08:57:40.118Z' },
  };

  it('an update that set exactly our values, or our labels, is an echo', () => {
    const custom = {
      custom_attributes: {
        previous_value: { customer_tier: 'gold' },
        current_value: { customer_tier: 'gold', ...values },
      },
    };
    expect(isCrmFactsEcho([updatedAt, custom], written)).toBe(true);
    const labels = { label_list: { previous_value: ['vip'], current_value: ['vip', 'crm-hot'] } };
    expect(isCrmFactsEcho([updatedAt, labels], written)).toBe(true);
  });

  it("a removal of a key we still have a value for, an agent's edit of a crm_ value, another key, a name: not an echo", () => {
    const removed = {
      custom_attributes: { previous_value: { crm_lead_stage: 'Negotiation' }, current_value: {} },
    };
    expect(isCrmFactsEcho([updatedAt, removed], written)).toBe(false);
    const edited = {
      custom_attributes: { previous_value: {}, current_value: { crm_lead_stage: 'Won (typed by an agent)' } },
    };
    expect(isCrmFactsEcho([updatedAt, edited], written)).toBe(false);
    const other = { custom_attributes: { previous_value: {}, current_value: { customer_tier: 'gold' } } };
    expect(isCrmFactsEcho([updatedAt, other], written)).toBe(false);
    expect(isCrmFactsEcho([{ name: { previous_value: 'A', current_value: 'B' } }], written)).toBe(false);
    const agentLabel = { label_list: { previous_value: [], current_value: ['vip'] } };
    expect(isCrmFactsEcho([updatedAt, agentLabel], written)).toBe(false);
  });

  it('nothing written, nothing changed or only updated_at: not an echo', () => {
    expect(isCrmFactsEcho([updatedAt], written)).toBe(false);
    expect(isCrmFactsEcho(null, written)).toBe(false);
    expect(isCrmFactsEcho([updatedAt], null)).toBe(false);
  });

  it('a key we removed (close date cleared) is an echo once the stored hashes say so', () => {
    const withDate = crmAttributeValues(facts());
    const without = { ...withDate, crm_expected_close: null };
    const { crm_expected_close: _gone, ...remaining } = withDate;
    const removed = { custom_attributes: { previous_value: withDate, current_value: remaining } };
    expect(isCrmFactsEcho([removed], { attributeHashes: attributeHashes(without), labels: [] })).toBe(true);
    expect(valueHash('2030-01-15')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('crmFacts settings', () => {
  const required = {
    KRAYIN_URL: 'http://127.0.0.1:8000/api/v1',
    KRAYIN_TOKEN: '1|abcdefghij',
    CHATWOOT_URL: 'https://chat.example.com',
    CHATWOOT_ACCOUNT_ID: '1',
    CHATWOOT_API_TOKEN: 'x',
    CHATWOOT_WEBHOOK_SECRET: 'whsec',
  };

  it('defaults: attributes on, no labels, no notes; the lead link from the API URL', () => {
    const c = loadConfigFromEnv(required).connections[0]!;
    expect(c.crmFacts).toEqual({ attributes: true, stageLabels: {}, stageNotes: false, activityNotes: false });
    expect(krayinWebBase(c.krayin.url, c.crmFacts)).toBe('http://127.0.0.1:8000');
  });

  it('reads CRM_STAGE_LABELS pairs, CRM_STAGE_NOTES and CRM_ACTIVITY_NOTES on, CRM_ATTRIBUTES off and a separate web URL', () => {
    const c = loadConfigFromEnv({
      ...required,
      CRM_STAGE_LABELS: 'Won=crm-won, Lost = crm-lost',
      CRM_STAGE_NOTES: 'on',
      CRM_ACTIVITY_NOTES: 'on',
      CRM_ATTRIBUTES: 'off',
      CRM_KRAYIN_WEB_URL: 'https://crm.example.com/',
    }).connections[0]!;
    expect(c.crmFacts).toEqual({
      attributes: false,
      stageLabels: { Won: 'crm-won', Lost: 'crm-lost' },
      stageNotes: true,
      activityNotes: true,
      krayinWebUrl: 'https://crm.example.com',
    });
    expect(krayinWebBase(c.krayin.url, c.crmFacts)).toBe('https://crm.example.com');
  });

  it('refuses a field map that reads a crm_ attribute back into Krayin (the echo would loop)', () => {
    let error = '';
    try {
      loadConfigFromEnv({ ...required, FIELD_MAP: '{"person":{"job_title":"custom_attributes.crm_lead_stage"}}' });
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).toMatch(/^FIELD_MAP: person\.job_title: custom_attributes\.crm_\* are the lead's facts/);
    expect(() =>
      loadConfigFromEnv({ ...required, FIELD_MAP: '{"person":{"job_title":"custom_attributes.crmtitle"}}' }),
    ).not.toThrow();
  });

  it('accepts the object form of the file', () => {
    expect(crmFactsSchema.parse({ stageLabels: { Won: 'crm-won' } }).stageLabels).toEqual({ Won: 'crm-won' });
  });

  it.each([
    // The stage (a configuration key, like a FIELD_MAP code) is named; the label value never is.
    ['Qualified=secretlabel', /^CRM_STAGE_LABELS: Qualified: must be crm-/],
    ['Qualified=crm-Secret', /^CRM_STAGE_LABELS: Qualified: must be crm-/],
    ['SecretStage', /^CRM_STAGE_LABELS: must be <stage>=<label> pairs/],
    ['=crm-secret', /^CRM_STAGE_LABELS: .*must be <stage>=<label> pairs/],
  ])('rejects CRM_STAGE_LABELS=%s without repeating it', (value, message) => {
    let error = '';
    try {
      loadConfigFromEnv({ ...required, CRM_STAGE_LABELS: value });
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).toMatch(message);
    expect(error.toLowerCase()).not.toContain('secret');
  });
});
