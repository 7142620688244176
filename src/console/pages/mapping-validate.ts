/**
 * The mapping page's form rows and their checks, before anything is saved. Pure (no I/O): the page
 * passes in what it fetched from Krayin (attribute catalog, pipelines) and Chatwoot (contact attribute
 * definitions). A row's errors block the save; its warnings are shown and do not.
 *
 * The config schema's own rules come first (snake_case codes, Chatwoot paths, reserved fields, stage
 * rule forms), through the same zod schemas the service validates its configuration with; then what
 * only a live Krayin can say: the attribute exists for that record type, and its type can take the
 * kind of value the Chatwoot field holds.
 */
import type { ChatwootAttributeDefinition } from '../../chatwoot/api-schemas';
import { syncSchema, type FieldMap } from '../../config/schema';
import type { KrayinAttribute, KrayinPipeline } from '../../krayin/api';
import type { AttributeCatalog } from '../../mapping/attributes';
import {
  MAP_SECTIONS,
  SECTION_ENTITY,
  isReservedField,
  reservedFieldMessage,
  type MapSection,
} from '../../mapping/fields';
import { crmFactsPathProblem } from '../../config/crm-attributes';
import { issueMessage } from '../../config/errors';
import type { StageRule, StageRuleInput } from '../../rules/schema';

export interface FieldRow {
  /** "person", "organization" or "lead" ('' on a blank row). */
  section: string;
  /** Krayin attribute code. */
  code: string;
  /** Chatwoot field path. */
  path: string;
}

export interface RowCheck {
  errors: string[];
  warnings: string[];
}

export const SECTION_WORDS: Record<MapSection, string> = {
  person: 'Person',
  organization: 'Organization',
  lead: 'Lead',
};

/** "person.cw_tier" -> row parts (the field select's value). */
export function splitField(value: string): { section: string; code: string } {
  const dot = value.indexOf('.');
  return dot < 0
    ? { section: '', code: value.trim() }
    : { section: value.slice(0, dot), code: value.slice(dot + 1).trim() };
}

/** Rows of a field map, in section order. */
export function rowsOfFieldMap(map: FieldMap): FieldRow[] {
  return MAP_SECTIONS.flatMap((section) =>
    Object.entries(map[section]).map(([code, path]) => ({ section, code, path })),
  );
}

export function isBlankRow(row: FieldRow): boolean {
  return row.code === '' && row.path.trim() === '';
}

/** The field map the rows describe (blank rows left out; a later duplicate does not replace the first). */
export function fieldMapOfRows(rows: FieldRow[]): FieldMap {
  const map: FieldMap = { person: {}, organization: {}, lead: {} };
  for (const row of rows) {
    if (isBlankRow(row) || !(MAP_SECTIONS as readonly string[]).includes(row.section)) continue;
    const section = map[row.section as MapSection];
    if (!Object.prototype.hasOwnProperty.call(section, row.code)) section[row.code] = row.path.trim();
  }
  return map;
}

/** What kind of value a Chatwoot field holds, as far as its definition says. */
export type ValueKind = 'text' | 'email' | 'phone' | 'number' | 'date' | 'list' | 'yes/no' | 'link' | 'unknown';

const KIND_WORDS: Record<ValueKind, string> = {
  text: 'text',
  email: 'an email address',
  phone: 'a phone number',
  number: 'a number',
  date: 'a date',
  list: 'a choice from a list',
  'yes/no': 'a yes/no value',
  link: 'a link',
  unknown: 'an unknown kind of value',
};

const DISPLAY_TYPE_KIND: Record<string, ValueKind> = {
  text: 'text',
  number: 'number',
  currency: 'number',
  percent: 'number',
  link: 'link',
  date: 'date',
  list: 'list',
  checkbox: 'yes/no',
};

export function chatwootValueKind(path: string, definitions: ChatwootAttributeDefinition[] | null): ValueKind {
  switch (path) {
    case 'name':
    case 'identifier':
      return 'text';
    case 'email':
      return 'email';
    case 'phone_number':
      return 'phone';
  }
  if (path.startsWith('custom_attributes.')) {
    const key = path.slice('custom_attributes.'.length);
    const def = definitions?.find((d) => d.attribute_key === key);
    return def ? (DISPLAY_TYPE_KIND[def.attribute_display_type] ?? 'unknown') : 'unknown';
  }
  if (path.startsWith('additional_attributes.')) return 'text';
  return 'unknown';
}

const SCALAR: ValueKind[] = ['text', 'email', 'phone', 'number', 'date', 'list', 'yes/no', 'link'];

/** Chatwoot value kinds each Krayin attribute type can take (what src/mapping/coerce.ts converts). */
const ACCEPTS: Record<string, ValueKind[]> = {
  text: SCALAR,
  textarea: SCALAR,
  email: ['email', 'text'],
  phone: ['phone', 'text', 'number'],
  boolean: ['yes/no', 'text', 'list', 'number'],
  date: ['date', 'text'],
  datetime: ['date', 'text'],
  price: ['number', 'text'],
  select: ['list', 'text', 'number'],
  multiselect: ['list', 'text'],
  checkbox: ['list', 'text'],
  address: ['text'],
};

const TYPE_WORDS: Record<string, string> = {
  text: 'text',
  textarea: 'long text',
  email: 'email',
  phone: 'phone',
  boolean: 'yes/no',
  date: 'date',
  datetime: 'date and time',
  price: 'amount',
  select: 'single choice',
  multiselect: 'multiple choice',
  checkbox: 'checkboxes',
  address: 'address',
  lookup: 'link to another record',
  image: 'image',
  file: 'file',
};

export function typeWords(type: string): string {
  return TYPE_WORDS[type] ?? type;
}

/** An attribute's type in words; a choice among records (users, sources...) is a link to another record. */
export function attributeTypeWords(attribute: Pick<KrayinAttribute, 'type' | 'lookup_type'>): string {
  return attribute.lookup_type ? typeWords('lookup') : typeWords(attribute.type);
}

/** Why a Krayin attribute can never be written from Chatwoot, or null. */
function unwritable(attribute: KrayinAttribute): string | null {
  if (['lookup', 'image', 'file'].includes(attribute.type))
    return `Krayin's "${attribute.name}" is a ${typeWords(attribute.type)} field: it cannot be filled from Chatwoot`;
  if (attribute.lookup_type && ['select', 'multiselect', 'checkbox'].includes(attribute.type))
    return `Krayin's "${attribute.name}" lists records (${attribute.lookup_type}): it cannot be filled from Chatwoot`;
  return null;
}

export interface FieldCheckContext {
  /** null when Krayin could not be reached: only the schema rules are checked then. */
  catalog: AttributeCatalog | null;
  /** null when Chatwoot could not be reached. */
  definitions: ChatwootAttributeDefinition[] | null;
  syncOrganizations: boolean;
  leadPolicy: string;
}

/** Checks every row; the result has one entry per row (blank rows get empty checks). */
export function checkFieldRows(rows: FieldRow[], ctx: FieldCheckContext): RowCheck[] {
  const checks: RowCheck[] = rows.map(() => ({ errors: [], warnings: [] }));
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const check = checks[i]!;
    if (isBlankRow(row)) return;
    if (!(MAP_SECTIONS as readonly string[]).includes(row.section)) {
      check.errors.push('Choose a Krayin field.');
      return;
    }
    if (row.code === '') check.errors.push('Choose a Krayin field.');
    if (row.path.trim() === '') check.errors.push('Enter the Chatwoot field to read.');
    const key = `${row.section}.${row.code}`;
    if (seen.has(key)) check.errors.push(`This Krayin field is already mapped in row ${seen.get(key)! + 1}.`);
    else seen.set(key, i);
    // The schema's own refinements, also when another row fails its base checks (zod then skips them).
    if (isReservedField(row.section as MapSection, row.code))
      check.errors.push(sentence(reservedFieldMessage(row.code), 'The field'));
    const loop = crmFactsPathProblem(row.path.trim());
    if (loop) check.errors.push(sentence(loop, 'The Chatwoot field'));
  });

  // The config schema's rules, through the schema itself; issues land on the row they name.
  const map = fieldMapOfRows(rows);
  const parsed = syncSchema.shape.fieldMap.safeParse(map);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [section, code] = issue.path.map(String);
      const i = rows.findIndex((r) => r.section === section && r.code === code && !isBlankRow(r));
      const target = checks[i >= 0 ? i : 0];
      const message = sentence(issueMessage(issue), 'The Chatwoot field');
      if (target && !target.errors.includes(message)) target.errors.push(message);
    }
  }

  rows.forEach((row, i) => {
    const check = checks[i]!;
    if (isBlankRow(row) || check.errors.length > 0) return;
    const section = row.section as MapSection;
    if (section === 'organization' && !ctx.syncOrganizations)
      check.warnings.push('Organizations are not synced for this connection: this row has no effect.');
    if (section === 'lead' && ctx.leadPolicy === 'never')
      check.warnings.push('Leads are not created for this connection: this row has no effect.');
    const kind = chatwootValueKind(row.path.trim(), ctx.definitions);
    if (row.path.startsWith('custom_attributes.') && ctx.definitions && kind === 'unknown') {
      check.warnings.push(
        'Chatwoot has no contact attribute with this key. Values set on contacts through the API are still read.',
      );
    }
    if (!ctx.catalog) return;
    const entity = SECTION_ENTITY[section];
    const attribute = ctx.catalog[entity].find((a) => a.code === row.code);
    if (!attribute) {
      check.errors.push(`Krayin has no ${SECTION_WORDS[section].toLowerCase()} field with the code "${row.code}".`);
      return;
    }
    if (isReservedField(section, row.code)) return; // the schema already said so
    const never = unwritable(attribute);
    if (never) {
      check.errors.push(`${never}.`);
      return;
    }
    const accepts = ACCEPTS[attribute.type];
    if (!accepts) {
      check.errors.push(`Krayin's "${attribute.name}" has a field type (${attribute.type}) the sync cannot write.`);
      return;
    }
    if (kind !== 'unknown' && !accepts.includes(kind)) {
      check.errors.push(
        `Krayin's "${attribute.name}" is a ${typeWords(attribute.type)} field; the Chatwoot field holds ${KIND_WORDS[kind]}.`,
      );
      return;
    }
    const unmatched = unmatchedChoices(attribute, row.path.trim(), ctx.definitions);
    if (unmatched.length > 0) {
      check.warnings.push(
        `Chatwoot's choices ${unmatched.map((c) => `"${c}"`).join(', ')} are not choices of Krayin's "${attribute.name}": contacts with them will need attention.`,
      );
    }
  });
  return checks;
}

// -- stage rules

/** A stage rule as the form edits it. */
export interface StageRuleRow {
  /** A simple trigger, "label_added" or "priority" ('' on a blank row). */
  on: string;
  /** The label or the priority for the two triggers that take one. */
  param: string;
  /** Stage code, name or id as text. */
  stage: string;
  /** Pipeline id or name as text; '' = any pipeline. */
  pipeline: string;
  allowBackwards: boolean;
}

export const TRIGGER_WORDS: Record<string, string> = {
  conversation_created: 'A conversation starts',
  first_agent_reply: 'An agent replies for the first time',
  conversation_resolved: 'A conversation is resolved',
  conversation_reopened: 'A conversation is reopened',
  assigned: 'A conversation is assigned to an agent',
  label_added: 'A label is added to a conversation',
  priority: 'A conversation gets the priority',
};

export function rowOfStageRule(rule: StageRule | StageRuleInput): StageRuleRow {
  const on = String(rule.on);
  const colon = on.indexOf(':');
  return {
    on: colon < 0 ? on : on.slice(0, colon),
    param: colon < 0 ? '' : on.slice(colon + 1),
    stage: String(rule.stage),
    pipeline: rule.pipeline === undefined ? '' : String(rule.pipeline),
    allowBackwards: rule.allowBackwards === true,
  };
}

export function isBlankRuleRow(row: StageRuleRow): boolean {
  return row.on === '' && row.stage.trim() === '';
}

/** An id typed as digits is an id; anything else a code or name. */
function idOrText(text: string): number | string {
  const t = text.trim();
  return /^\d+$/.test(t) && Number(t) > 0 ? Number(t) : t;
}

export function stageRuleOfRow(row: StageRuleRow): StageRuleInput {
  const param = row.param.trim();
  return {
    on: row.on === 'label_added' || row.on === 'priority' ? `${row.on}:${param}` : row.on,
    stage: idOrText(row.stage),
    ...(row.pipeline.trim() === '' ? {} : { pipeline: idOrText(row.pipeline) }),
    allowBackwards: row.allowBackwards,
  };
}

function matches(id: number, names: string[], ref: number | string): boolean {
  if (typeof ref === 'number') return id === ref;
  return names.some((n) => n.toLowerCase() === ref.toLowerCase());
}

/** Checks the rules with the config schema, then against Krayin's pipelines (when known). */
export function checkStageRuleRows(
  rows: StageRuleRow[],
  pipelines: KrayinPipeline[] | null,
): { checks: RowCheck[]; rules: StageRuleInput[] } {
  const checks: RowCheck[] = rows.map(() => ({ errors: [], warnings: [] }));
  const kept = rows.map((row, i) => ({ row, i })).filter(({ row }) => !isBlankRuleRow(row));
  const rules = kept.map(({ row }) => stageRuleOfRow(row));
  for (const { row, i } of kept) {
    if (row.on === '') checks[i]!.errors.push('Choose when the rule applies.');
    if ((row.on === 'label_added' || row.on === 'priority') && row.param.trim() === '')
      checks[i]!.errors.push(row.on === 'label_added' ? 'Enter the label.' : 'Enter the priority.');
    if (row.stage.trim() === '') checks[i]!.errors.push('Choose the stage to move the lead to.');
  }
  const parsed = syncSchema.shape.stageRules.safeParse(rules);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const index = typeof issue.path[0] === 'number' ? issue.path[0] : 0;
      const check = checks[kept[index]?.i ?? 0];
      if (!check) continue;
      const row = rows[kept[index]!.i]!;
      const subject =
        issue.path[1] === 'pipeline' ? 'The pipeline' : issue.path[1] === 'stage' ? 'The stage' : 'The rule';
      const message =
        issue.path[1] === 'on' && row.on === 'priority'
          ? 'The priority is low, medium, high or urgent.'
          : sentence(issueMessage(issue), subject);
      if (!check.errors.includes(message)) check.errors.push(message);
    }
  }
  if (pipelines) {
    kept.forEach(({ row, i }, index) => {
      const check = checks[i]!;
      if (check.errors.length > 0) return;
      const rule = rules[index]!;
      const candidates =
        rule.pipeline === undefined
          ? pipelines
          : pipelines.filter((p) => matches(p.id, [p.name], rule.pipeline as number | string));
      if (rule.pipeline !== undefined && candidates.length === 0) {
        check.errors.push(`Krayin has no pipeline "${row.pipeline.trim()}".`);
        return;
      }
      const found = candidates.some((p) => p.stages.some((s) => matches(s.id, [s.code, s.name], rule.stage)));
      if (!found)
        check.errors.push(
          rule.pipeline === undefined
            ? `No pipeline has the stage "${row.stage.trim()}".`
            : `The pipeline has no stage "${row.stage.trim()}".`,
        );
    });
  }
  return { checks, rules };
}

/** Choices of a Chatwoot list attribute that match no option of a Krayin choice field (by name, as the sync matches). */
export function unmatchedChoices(
  attribute: KrayinAttribute,
  path: string,
  definitions: ChatwootAttributeDefinition[] | null,
): string[] {
  if (!['select', 'multiselect', 'checkbox'].includes(attribute.type) || attribute.lookup_type) return [];
  if (!path.startsWith('custom_attributes.')) return [];
  const key = path.slice('custom_attributes.'.length);
  const def = definitions?.find((d) => d.attribute_key === key);
  const values = (def as { attribute_values?: unknown } | undefined)?.attribute_values;
  if (def?.attribute_display_type !== 'list' || !Array.isArray(values)) return [];
  const names = attribute.options.map((o) => o.name.trim().toLowerCase());
  return values
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
    .filter((v) => !names.includes(v.trim().toLowerCase()));
}

export function hasErrors(checks: RowCheck[]): boolean {
  return checks.some((c) => c.errors.length > 0);
}

/** Schema messages are fragments ("must be ..."); on screen they are sentences. */
function sentence(message: string, subject: string): string {
  const text = /^must\b/.test(message.trim()) ? `${subject} ${message.trim()}` : message.trim();
  const capital = text.startsWith('"') ? text : text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
