/**
 * Krayin's attribute system: the validation rules of AttributeForm/LeadForm, the uniqueness
 * check, AttributeValueRepository::save (with its system activity rows) and the
 * CustomAttribute read fallback. Custom attributes behave exactly like the seeded ones: they are
 * validated only when their key is in the request, stored in attribute_values, never returned.
 */
import type { Ctx } from './context';
import { KrayinError } from './errors';
import { ciEquals, mysqlBool, mysqlInt, mysqlNumber, mysqlText } from './mysql';
import { isObject, phpNumberToString, phpToString, phpTruthy, type Json } from './php';
import type { AttributeEntity, AttributeRow, AttributeValueRow, State, ValueColumn } from './state';
import { logChange, type LoggedEntity } from './timeline';
import { dateInZone, wallFromInput } from './time';
import type { Rule, RuleSet } from './validation';

export const TYPE_COLUMN: Record<string, ValueColumn> = {
  text: 'text_value',
  textarea: 'text_value',
  price: 'float_value',
  boolean: 'boolean_value',
  select: 'integer_value',
  multiselect: 'text_value',
  checkbox: 'text_value',
  email: 'json_value',
  address: 'json_value',
  phone: 'json_value',
  lookup: 'integer_value',
  datetime: 'datetime_value',
  date: 'date_value',
  file: 'text_value',
  image: 'text_value',
};

export const ATTRIBUTE_TYPES = Object.keys(TYPE_COLUMN);

const REPO_FILE = '/var/www/krayin/packages/Webkul/Attribute/src/Repositories/AttributeValueRepository.php';

/** AttributeRepository::getAttributeByCode: the lowest id with that code, whatever the entity. */
export function attributeByCode(state: State, code: string): AttributeRow | undefined {
  return state.attributes.find((a) => a.code === code);
}

export function entityAttributes(state: State, entity: AttributeEntity): AttributeRow[] {
  return state.attributes.filter((a) => a.entity_type === entity);
}

export function findValue(
  state: State,
  entity: AttributeEntity,
  entityId: number,
  attributeId: number,
): AttributeValueRow | undefined {
  return state.attributeValues.find(
    (v) => v.entity_type === entity && v.entity_id === entityId && v.attribute_id === attributeId,
  );
}

/**
 * CustomAttribute::getAttribute: a null column falls back to the entity's attribute value of the
 * attribute with that code (looked up by code only). After a stage move the leads row has no
 * expected_close_date, yet GET still shows the date kept in attribute_values.
 */
export function fallbackValue(state: State, entity: AttributeEntity, entityId: number, key: string): unknown {
  const attribute = attributeByCode(state, key);
  if (!attribute) return null;
  return findValue(state, entity, entityId, attribute.id)?.value ?? null;
}

/** All attribute values of an entity by code (for snapshots and tests). */
export function valuesByCode(state: State, entity: AttributeEntity, entityId: number, customOnly: boolean) {
  const out: Record<string, unknown> = {};
  for (const a of entityAttributes(state, entity)) {
    if (customOnly && !a.is_user_defined) continue;
    const v = findValue(state, entity, entityId, a.id);
    if (v) out[a.code] = v.value;
  }
  return out;
}

/** AttributeValueRepository::isValueUnique. Email/phone use JSON_CONTAINS (exact, case-sensitive). */
export function isValueUnique(
  state: State,
  excludeId: unknown,
  entity: AttributeEntity,
  attribute: AttributeRow,
  value: unknown,
): boolean {
  const clash = state.attributeValues.some((v) => {
    if (v.attribute_id !== attribute.id || v.entity_type !== entity) return false;
    if (excludeId !== null && excludeId !== undefined && mysqlNumber(v.entity_id) === mysqlNumber(excludeId)) {
      return false;
    }
    if (attribute.type === 'email' || attribute.type === 'phone') {
      const list = v.value;
      return Array.isArray(list) && list.some((item) => isObject(item) && jsonEquals(item.value, value));
    }
    if (v.column === 'json_value') return jsonEquals(v.value, value);
    if (v.value === null || v.value === undefined || isObject(value) || Array.isArray(value)) return false;
    if (v.column === 'text_value') return ciEquals(String(v.value), phpToString(value));
    if (v.column === 'date_value' || v.column === 'datetime_value') return String(v.value) === phpToString(value);
    return mysqlNumber(v.value) === mysqlNumber(value);
  });
  return !clash;
}

function jsonEquals(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Krayin's Decimal rule: /^\d*(\.\d{1,4})?$/ on the string value; an array is a TypeError. */
function decimalRule(): Rule {
  return {
    kind: 'custom',
    check: (field, value) => {
      if (Array.isArray(value) || isObject(value)) {
        throw KrayinError.php(
          'TypeError',
          'preg_match(): Argument #2 ($subject) must be of type string, array given',
          '/var/www/krayin/packages/Webkul/Core/src/Contracts/Validations/Decimal.php',
          20,
        );
      }
      const s = typeof value === 'number' ? phpNumberToString(value) : phpToString(value);
      return /^\d*(\.\d{1,4})?$/.test(s) ? null : `The ${field} must be a decimal.`;
    },
  };
}

export interface RuleOptions {
  /** "person." for the nested person of a lead. */
  prefix: string;
  /** Id excluded from uniqueness checks (route id on PUT, person.id for nested persons). */
  excludeId: unknown;
  /** The whole request, for `request($field)` in the uniqueness closure. */
  request: Record<string, Json>;
}

/**
 * The rules of AttributeForm/LeadForm for the attribute codes present in `data`. Attributes come
 * back in `code` order (MariaDB reads them through the unique (code, entity_type) index), which
 * decides the order of the 422 errors.
 */
export function attributeRules(
  state: State,
  entity: AttributeEntity,
  data: Record<string, Json>,
  opts: RuleOptions,
): RuleSet {
  const keys = new Set(Object.keys(data));
  const attributes = state.attributes
    .filter((a) => a.entity_type === entity && keys.has(a.code))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const rules: RuleSet = [];
  for (const attribute of attributes) {
    const code = opts.prefix + attribute.code;
    const presence: Rule = attribute.is_required ? { kind: 'required' } : { kind: 'nullable' };
    const set: RuleSet = [];
    if (attribute.type === 'boolean') continue;
    if (attribute.type === 'address') {
      if (!attribute.is_required) continue;
      for (const k of ['address', 'country', 'state', 'city', 'postcode'])
        set.push([`${code}.${k}`, [{ kind: 'required' }]]);
    } else if (attribute.type === 'email' || attribute.type === 'phone') {
      const valueRules: Rule[] = [presence];
      if (attribute.type === 'email') valueRules.push({ kind: 'email' });
      set.push([code, [presence]], [`${code}.*.value`, valueRules], [`${code}.*.label`, [presence]]);
    } else {
      const r: Rule[] = [presence];
      if (attribute.type === 'text' && attribute.validation) {
        const v = attribute.validation;
        if (v === 'decimal') r.push(decimalRule());
        else if (v === 'numeric' || v === 'email' || v === 'url') r.push({ kind: v });
      }
      if (attribute.type === 'price') r.push(decimalRule());
      if (attribute.type === 'image') {
        const name = code.replace(/_/g, ' ');
        r.push({ kind: 'custom', check: () => `The ${name} must be a file of type: bmp, jpeg, jpg, png, webp.` });
      }
      set.push([code, r]);
    }
    if (attribute.is_unique) {
      const target = attribute.type === 'email' || attribute.type === 'phone' ? `${code}.*.value` : code;
      const entry = set.find(([k]) => k === target);
      const unique: Rule = {
        kind: 'custom',
        check: (field) => {
          const value = dig(opts.request, field);
          return isValueUnique(state, opts.excludeId, attribute.entity_type, attribute, value)
            ? null
            : 'The value has already been taken.';
        },
      };
      if (entry) entry[1].push(unique);
      else set.push([target, [unique]]);
    }
    rules.push(...set);
  }
  return rules;
}

function dig(data: unknown, key: string): unknown {
  let cur: unknown = data;
  for (const seg of key.split('.')) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur)) cur = cur[seg];
    else return null;
  }
  return cur ?? null;
}

/** The rule LeadForm adds for expected_close_date: Y-m-d and after yesterday (server-local). */
export function expectedCloseDateRules(tz: string): RuleSet {
  return [
    [
      'expected_close_date',
      [{ kind: 'nullable' }, { kind: 'date_format', format: 'Y-m-d' }, { kind: 'after', date: dateInZone(tz, -1) }],
    ],
  ];
}

function phpError(message: string, line: number): KrayinError {
  return KrayinError.php('ErrorException', message, REPO_FILE, line);
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  return 'array';
}

/**
 * `foreach ($list as $key => $row) if (is_null($row['value'])) unset(...)` (sanitizeEmailAndPhone):
 * drops entries whose value is null, keeping PHP array keys; a non-array is a PHP warning (500).
 */
export function dropNullValues(list: unknown, file: string, line: number): Json {
  if (!Array.isArray(list) && !isObject(list)) {
    throw KrayinError.php(
      'ErrorException',
      `foreach() argument must be of type array|object, ${typeName(list)} given`,
      file,
      line,
    );
  }
  const entries = Object.entries(list as Record<string, Json>).filter(([, row]) => {
    if (!isObject(row)) {
      if (typeof row === 'string')
        throw KrayinError.php('TypeError', 'Cannot access offset of type string on string', file, line);
      throw KrayinError.php(
        'ErrorException',
        `Trying to access array offset on value of type ${typeName(row)}`,
        file,
        line,
      );
    }
    if (!('value' in row)) throw KrayinError.php('ErrorException', 'Undefined array key "value"', file, line);
    return row.value !== null;
  });
  return phpArray(entries);
}

/** `collect($list)->filter(fn ($n) => ! is_null($n['value']))->toArray()`: null is [], a scalar is wrapped. */
export function collectNonNullValues(list: unknown, file: string, line: number): Json {
  if (list === null || list === undefined) return [];
  return dropNullValues(Array.isArray(list) || isObject(list) ? list : [list], file, line);
}

/** A PHP array with the given keys: a JSON list when the keys are 0..n-1, else an object. */
export function phpArray(entries: Array<[string, Json]>): Json {
  if (entries.every(([k], i) => k === String(i))) return entries.map(([, v]) => v);
  return Object.fromEntries(entries);
}

/** The value MySQL keeps in an attribute_values column. */
function toColumn(column: ValueColumn, v: unknown, tz: string): unknown {
  if (v === null || v === undefined) return null;
  if ((Array.isArray(v) || isObject(v)) && column !== 'json_value') {
    throw phpError('Array to string conversion', 115);
  }
  switch (column) {
    case 'text_value':
      return mysqlText(v);
    case 'boolean_value':
      return mysqlBool(v);
    case 'integer_value':
      return mysqlInt(v);
    case 'float_value':
      return mysqlNumber(v);
    case 'date_value': {
      const s = phpToString(v);
      return /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : null;
    }
    case 'datetime_value':
      try {
        return wallFromInput(v, tz);
      } catch {
        return null;
      }
    case 'json_value':
      return v;
  }
}

/**
 * AttributeValueRepository::save. Walks the entity's attributes (or `only`) in id order, stores
 * every code present in `data` and logs the change on persons and leads. Booleans that are absent
 * are saved as 0, which wipes them on a partial update.
 */
export function saveAttributeValues(
  ctx: Ctx,
  entity: AttributeEntity,
  entityId: number,
  input: Record<string, Json>,
  only?: AttributeRow[],
): void {
  const data: Record<string, unknown> = { ...input };
  const attributes = only ?? entityAttributes(ctx.state, entity);
  const logged = entity === 'persons' || entity === 'leads' ? (entity as LoggedEntity) : null;
  for (const attribute of attributes) {
    const column = TYPE_COLUMN[attribute.type] ?? 'text_value';
    const code = attribute.code;
    if (attribute.type === 'boolean') {
      data[code] = phpTruthy(data[code]) ? 1 : 0;
    }
    if (!Object.prototype.hasOwnProperty.call(data, code)) continue;
    let v: unknown = data[code];
    if ((attribute.type === 'price' || attribute.type === 'date') && v === '') v = null;
    if (attribute.type === 'multiselect' || attribute.type === 'checkbox') {
      if (!Array.isArray(v)) {
        throw KrayinError.php(
          'TypeError',
          `implode(): Argument #2 ($array) must be of type ?array, ${typeName(v)} given`,
          REPO_FILE,
          69,
        );
      }
      v = v.map((x) => phpToString(x)).join(',');
    }
    if (attribute.type === 'email' || attribute.type === 'phone') v = dropNullValues(v, REPO_FILE, 74);
    if (attribute.type === 'image' || attribute.type === 'file') v = null;
    const stored = toColumn(column, v, ctx.tz);
    const existing = findValue(ctx.state, entity, entityId, attribute.id);
    if (!existing) {
      ctx.state.attributeValues.push({
        id: ctx.state.nextId('attribute_values'),
        entity_type: entity,
        entity_id: entityId,
        attribute_id: attribute.id,
        column,
        value: stored,
      });
      if (logged) logChange(ctx, logged, entityId, code, v, null, attribute);
    } else {
      const old = existing.value;
      existing.value = stored;
      if (logged) logChange(ctx, logged, entityId, code, v, old, attribute);
    }
  }
}

export interface NewAttribute {
  entity_type: AttributeEntity;
  code: string;
  name?: string;
  type: string;
  lookup_type?: string | null;
  validation?: string | null;
  is_required?: boolean | number;
  is_unique?: boolean | number;
  quick_add?: boolean | number;
  options?: string[];
}

/** Inserts a user-defined attribute (and its options); returns the row. */
export function insertAttribute(state: State, a: NewAttribute, now: string): AttributeRow {
  const sortOrder = Math.max(0, ...entityAttributes(state, a.entity_type).map((x) => x.sort_order ?? 0)) + 1;
  const row: AttributeRow = {
    id: state.nextId('attributes'),
    code: a.code,
    name: a.name ?? a.code,
    type: a.type,
    lookup_type: a.lookup_type ?? null,
    entity_type: a.entity_type,
    sort_order: sortOrder,
    validation: a.validation ?? null,
    is_required: a.is_required ? 1 : 0,
    is_unique: a.is_unique ? 1 : 0,
    quick_add: a.quick_add === undefined ? 1 : a.quick_add ? 1 : 0,
    is_user_defined: 1,
    created_at: now,
    updated_at: now,
  };
  state.attributes.push(row);
  (a.options ?? []).forEach((name, i) =>
    state.attributeOptions.push({
      id: state.nextId('attribute_options'),
      name,
      sort_order: i + 1,
      attribute_id: row.id,
    }),
  );
  return row;
}
