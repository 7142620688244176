/**
 * The mapping page's checks before saving (src/console/pages/mapping-validate.ts): the config
 * schema's rules on each row, then what Krayin's attribute catalog and Chatwoot's attribute
 * definitions say; stage rules by the schema and Krayin's pipelines.
 */
import type { ChatwootAttributeDefinition } from '../../src/chatwoot/api-schemas';
import type { KrayinAttribute, KrayinPipeline } from '../../src/krayin/api';
import type { AttributeCatalog } from '../../src/mapping/attributes';
import {
  checkFieldRows,
  checkStageRuleRows,
  chatwootValueKind,
  fieldMapOfRows,
  hasErrors,
  rowOfStageRule,
  rowsOfFieldMap,
  splitField,
  stageRuleOfRow,
  type FieldCheckContext,
  type FieldRow,
  type StageRuleRow,
} from '../../src/console/pages/mapping-validate';

let nextId = 100;
function attr(entity: string, code: string, type: string, extra: Partial<KrayinAttribute> = {}): KrayinAttribute {
  return {
    id: nextId++,
    code,
    name: code.replace(/_/g, ' '),
    type,
    entity_type: entity,
    lookup_type: null,
    is_required: 0,
    is_unique: 0,
    is_user_defined: 1,
    options: [],
    ...extra,
  };
}

const catalog: AttributeCatalog = {
  persons: [
    attr('persons', 'name', 'text', { is_user_defined: 0 }),
    attr('persons', 'emails', 'email', { is_user_defined: 0 }),
    attr('persons', 'user_id', 'lookup', { lookup_type: 'users', is_user_defined: 0 }),
    attr('persons', 'cw_tier', 'select', { options: [{ id: 1, name: 'Gold' }] }),
    attr('persons', 'cw_since', 'date'),
    attr('persons', 'cw_vip', 'boolean'),
    attr('persons', 'cw_manager', 'select', { lookup_type: 'users' }),
  ],
  organizations: [attr('organizations', 'name', 'text', { is_user_defined: 0 })],
  leads: [attr('leads', 'cw_budget', 'price')],
};

const definitions = [
  {
    id: 1,
    attribute_key: 'tier',
    attribute_display_name: 'Tier',
    attribute_display_type: 'list',
    attribute_model: 'contact_attribute',
  },
  {
    id: 2,
    attribute_key: 'vip',
    attribute_display_name: 'VIP',
    attribute_display_type: 'checkbox',
    attribute_model: 'contact_attribute',
  },
  {
    id: 3,
    attribute_key: 'since',
    attribute_display_name: 'Since',
    attribute_display_type: 'date',
    attribute_model: 'contact_attribute',
  },
  {
    id: 4,
    attribute_key: 'budget',
    attribute_display_name: 'Budget',
    attribute_display_type: 'currency',
    attribute_model: 'contact_attribute',
  },
] as ChatwootAttributeDefinition[];

const ctx: FieldCheckContext = { catalog, definitions, syncOrganizations: true, leadPolicy: 'first_conversation' };

function row(field: string, path: string): FieldRow {
  return { ...splitField(field), path };
}

describe('field rows', () => {
  it('accepts rows whose Krayin field exists and takes the Chatwoot value kind', () => {
    const rows = [
      row('person.cw_tier', 'custom_attributes.tier'),
      row('person.cw_vip', 'custom_attributes.vip'),
      row('person.cw_since', 'custom_attributes.since'),
      row('lead.cw_budget', 'custom_attributes.budget'),
      row('', ''),
    ];
    const checks = checkFieldRows(rows, ctx);
    expect(checks.map((c) => c.errors)).toEqual([[], [], [], [], []]);
    expect(fieldMapOfRows(rows)).toEqual({
      person: {
        cw_tier: 'custom_attributes.tier',
        cw_vip: 'custom_attributes.vip',
        cw_since: 'custom_attributes.since',
      },
      organization: {},
      lead: { cw_budget: 'custom_attributes.budget' },
    });
  });

  it('puts each error on its own row: type mismatch, unknown attribute, reserved field, bad path, duplicate', () => {
    const rows = [
      row('person.cw_since', 'custom_attributes.vip'), // a date field from a yes/no value
      row('person.cw_missing', 'name'), // not in Krayin
      row('person.user_id', 'name'), // reserved (schema)
      row('person.cw_tier', 'custom attributes.tier'), // not a Chatwoot path (schema)
      row('person.cw_vip', 'custom_attributes.vip'),
      row('person.cw_vip', 'custom_attributes.vip'), // duplicate
      row('person.cw_manager', 'name'), // select backed by users
      row('person.Bad-Code', 'name'), // not snake_case (schema)
    ];
    const checks = checkFieldRows(rows, ctx);
    expect(checks[0]!.errors).toEqual([
      `Krayin's "cw since" is a date field; the Chatwoot field holds a yes/no value.`,
    ]);
    expect(checks[1]!.errors).toEqual(['Krayin has no person field with the code "cw_missing".']);
    expect(checks[2]!.errors).toEqual(['"user_id" is set by the sync itself and cannot be mapped.']);
    expect(checks[3]!.errors[0]).toMatch(/^The Chatwoot field must be name, email, phone_number/);
    expect(checks[4]!.errors).toEqual([]);
    expect(checks[5]!.errors).toEqual(['This Krayin field is already mapped in row 5.']);
    expect(checks[6]!.errors[0]).toMatch(/lists records \(users\): it cannot be filled from Chatwoot/);
    expect(checks[7]!.errors).toEqual(['Krayin attribute codes are snake_case.']);
    expect(hasErrors(checks)).toBe(true);
  });

  it('warns (without blocking) about undefined Chatwoot attributes and sections that are not synced', () => {
    const rows = [
      row('person.cw_tier', 'custom_attributes.undefined_key'),
      row('lead.cw_budget', 'custom_attributes.budget'),
    ];
    const checks = checkFieldRows(rows, { ...ctx, leadPolicy: 'never' });
    expect(hasErrors(checks)).toBe(false);
    expect(checks[0]!.warnings[0]).toMatch(/Chatwoot has no contact attribute with this key/);
    expect(checks[1]!.warnings).toEqual(['Leads are not created for this connection: this row has no effect.']);
  });

  it('warns when a Chatwoot list offers choices the Krayin choice field lacks', () => {
    const withValues = [
      ...definitions,
      {
        id: 9,
        attribute_key: 'level',
        attribute_display_name: 'Level',
        attribute_display_type: 'list',
        attribute_model: 'contact_attribute',
        attribute_values: ['gold', 'Silver', 'Bronze'],
      },
    ] as ChatwootAttributeDefinition[];
    const checks = checkFieldRows([row('person.cw_tier', 'custom_attributes.level')], {
      ...ctx,
      definitions: withValues,
    });
    expect(checks[0]!.errors).toEqual([]);
    expect(checks[0]!.warnings).toEqual([
      `Chatwoot's choices "Silver", "Bronze" are not choices of Krayin's "cw tier": contacts with them will need attention.`,
    ]);
  });

  it('checks only the schema rules when Krayin could not be reached', () => {
    const checks = checkFieldRows([row('person.cw_anything', 'name'), row('person.user_id', 'name')], {
      ...ctx,
      catalog: null,
    });
    expect(checks[0]!.errors).toEqual([]);
    expect(checks[1]!.errors).toHaveLength(1);
  });

  it('round-trips a field map through rows', () => {
    const map = { person: { cw_tier: 'custom_attributes.tier' }, organization: {}, lead: { cw_budget: 'name' } };
    expect(fieldMapOfRows(rowsOfFieldMap(map))).toEqual(map);
  });

  it('knows the value kinds of Chatwoot fields', () => {
    expect(chatwootValueKind('email', definitions)).toBe('email');
    expect(chatwootValueKind('phone_number', definitions)).toBe('phone');
    expect(chatwootValueKind('custom_attributes.budget', definitions)).toBe('number');
    expect(chatwootValueKind('custom_attributes.nope', definitions)).toBe('unknown');
    expect(chatwootValueKind('additional_attributes.company_name', definitions)).toBe('text');
  });
});

const pipelines: KrayinPipeline[] = [
  {
    id: 1,
    name: 'Default Pipeline',
    is_default: 1,
    stages: [
      { id: 1, code: 'new', name: 'New' },
      { id: 2, code: 'follow-up', name: 'Follow Up' },
      { id: 5, code: 'won', name: 'Won' },
    ],
  },
  { id: 2, name: 'Partners', is_default: 0, stages: [{ id: 7, code: 'intro', name: 'Intro' }] },
];

function rule(on: string, param: string, stage: string, pipeline = '', allowBackwards = false): StageRuleRow {
  return { on, param, stage, pipeline, allowBackwards };
}

describe('stage rule rows', () => {
  it('turns valid rows into rules the config schema accepts', () => {
    const rows = [
      rule('conversation_created', '', 'follow-up'),
      rule('label_added', 'VIP', 'intro', '2'),
      rule('priority', 'urgent', '5', '', true),
      rule('', '', ''),
    ];
    const { checks, rules } = checkStageRuleRows(rows, pipelines);
    expect(checks.map((c) => c.errors)).toEqual([[], [], [], []]);
    expect(rules).toEqual([
      { on: 'conversation_created', stage: 'follow-up', allowBackwards: false },
      { on: 'label_added:VIP', stage: 'intro', pipeline: 2, allowBackwards: false },
      { on: 'priority:urgent', stage: 5, allowBackwards: true },
    ]);
  });

  it('names the problem of each bad rule on its row', () => {
    const rows = [
      rule('priority', 'asap', 'new'),
      rule('label_added', '', 'new'),
      rule('assigned', '', 'intro', '1'), // Partners' stage, Default pipeline
      rule('assigned', '', 'nowhere'),
      rule('assigned', '', 'new', 'Missing'),
      rule('', '', 'new'),
    ];
    const { checks } = checkStageRuleRows(rows, pipelines);
    expect(checks[0]!.errors).toEqual(['The priority is low, medium, high or urgent.']);
    expect(checks[1]!.errors[0]).toBe('Enter the label.');
    expect(checks[2]!.errors).toEqual(['The pipeline has no stage "intro".']);
    expect(checks[3]!.errors).toEqual(['No pipeline has the stage "nowhere".']);
    expect(checks[4]!.errors).toEqual(['Krayin has no pipeline "Missing".']);
    expect(checks[5]!.errors[0]).toBe('Choose when the rule applies.');
  });

  it('shows configured rules as rows and back', () => {
    const configured = {
      on: 'label_added:vip' as const,
      stage: 'negotiation',
      pipeline: 'Default Pipeline',
      allowBackwards: true,
    };
    const r = rowOfStageRule(configured);
    expect(r).toEqual({
      on: 'label_added',
      param: 'vip',
      stage: 'negotiation',
      pipeline: 'Default Pipeline',
      allowBackwards: true,
    });
    expect(stageRuleOfRow(r)).toEqual(configured);
  });
});
