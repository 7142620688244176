/**
 * Chatwoot value -> what Krayin accepts for an attribute of a given type. Shapes follow how Krayin
 * stores each type (Attribute/AttributeValueRepository::save): multiselect/checkbox must be an
 * *array* of option ids (Krayin implodes it; a string makes it crash), email/phone a list of
 * {value,label}, boolean 1/0. Messages name the type or attribute code, never the value (PII).
 */
import type { KrayinAddress, KrayinAttribute } from '../krayin/api';
import { toKrayinDate, toKrayinDateTime, parseTime } from './datetime';
import { PRICE_MAX } from './limits';
import { normalizeEmail } from './email';
import { isBlank } from './field-map';
import { normalizePhone } from './phone';
import { multiLine, scalarText, singleLine, TEXT_MAX_BYTES, truncateUtf8 } from './text';

/** `value: undefined` means "leave the attribute out of the write" (a required attribute with no value). */
export type CoerceResult = { ok: true; value: unknown } | { ok: false; message: string };

export interface CoerceOptions {
  /** Krayin's APP_TIMEZONE (IANA), for date and datetime attributes. */
  timezone: string;
}

/** The attribute fields coercion looks at. */
export type AttributeShape = Pick<KrayinAttribute, 'code' | 'type' | 'is_required' | 'lookup_type' | 'options'>;

export { PRICE_MAX };

const ADDRESS_KEYS = ['address', 'city', 'state', 'country', 'postcode'] as const;

export function coerceAttributeValue(attribute: AttributeShape, raw: unknown, opts: CoerceOptions): CoerceResult {
  if (isBlank(raw)) return blankValue(attribute);
  switch (attribute.type) {
    case 'text':
      return coerceText(raw, false);
    case 'textarea':
      return coerceText(raw, true);
    case 'email':
      return coerceList(raw, normalizeEmail, 'a valid email address');
    case 'phone':
      return coerceList(raw, normalizePhone, 'a phone number');
    case 'boolean':
      return coerceBoolean(raw);
    case 'date':
    case 'datetime': {
      const parsed = parseTime(raw);
      if (!parsed) return fail(`expected a date${attribute.type === 'datetime' ? ' and time' : ''} (ISO-8601)`);
      const value =
        attribute.type === 'date' ? toKrayinDate(parsed, opts.timezone) : toKrayinDateTime(parsed, opts.timezone);
      return { ok: true, value };
    }
    case 'price':
      return coercePrice(raw);
    case 'select':
      return coerceSelect(attribute, raw);
    case 'multiselect':
    case 'checkbox':
      return coerceMultiSelect(attribute, raw);
    case 'address':
      return coerceAddress(raw, isRequired(attribute));
    case 'lookup':
    case 'image':
    case 'file':
      return fail(`Krayin ${attribute.type} attributes cannot be written from Chatwoot values`);
    default:
      return fail(`unsupported Krayin attribute type "${attribute.type}"`);
  }
}

/**
 * No Chatwoot value. Krayin validates only keys that are present, so a required attribute is left
 * out rather than sent empty (422). Otherwise the value is cleared in the type's own empty form:
 * null would crash Krayin for list types (implode/foreach on null).
 */
function blankValue(attribute: AttributeShape): CoerceResult {
  if (attribute.type === 'boolean') return { ok: true, value: 0 }; // Krayin stores 0 for an omitted boolean anyway
  if (isRequired(attribute)) return { ok: true, value: undefined };
  switch (attribute.type) {
    case 'email':
    case 'phone':
    case 'multiselect':
    case 'checkbox':
      return { ok: true, value: [] };
    default:
      return { ok: true, value: null };
  }
}

export function coerceText(raw: unknown, multiline: boolean): CoerceResult {
  const text = scalarText(raw);
  if (text === null) return fail('expected a text value');
  return { ok: true, value: truncateUtf8(multiline ? multiLine(text) : singleLine(text), TEXT_MAX_BYTES) };
}

function coerceList(raw: unknown, normalize: (v: unknown) => string | null, what: string): CoerceResult {
  const items = Array.isArray(raw) ? raw.filter((v) => !isBlank(v)) : [raw];
  const values: string[] = [];
  for (const item of items) {
    const value = normalize(item);
    if (value === null) return fail(`expected ${what}`);
    if (!values.includes(value)) values.push(value);
  }
  return { ok: true, value: values.map((value) => ({ value, label: 'work' })) };
}

const TRUE_WORDS = ['true', 'yes', 'y', 'on', '1'];
const FALSE_WORDS = ['false', 'no', 'n', 'off', '0'];

function coerceBoolean(raw: unknown): CoerceResult {
  if (raw === true || raw === 1) return { ok: true, value: 1 };
  if (raw === false || raw === 0) return { ok: true, value: 0 };
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.includes(word)) return { ok: true, value: 1 };
    if (FALSE_WORDS.includes(word)) return { ok: true, value: 0 };
  }
  return fail('expected a yes/no value (true/false, yes/no, 1/0, on/off)');
}

export function coercePrice(raw: unknown): CoerceResult {
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(raw.trim())) n = Number(raw.trim());
  else return fail('expected a number');
  if (!Number.isFinite(n) || Math.abs(n) > PRICE_MAX)
    return fail(`expected a number between -${PRICE_MAX} and ${PRICE_MAX}`);
  // Krayin keeps 4 decimals; rounding here keeps the hash equal to what Krayin stores.
  const value = Number(n.toFixed(4));
  return { ok: true, value: Object.is(value, -0) ? 0 : value };
}

function coerceSelect(attribute: AttributeShape, raw: unknown): CoerceResult {
  if (attribute.lookup_type) return fail(lookupSelectMessage(attribute));
  const id = optionId(attribute, raw);
  return id === null ? fail(`no option of "${attribute.code}" matches the value`) : { ok: true, value: id };
}

function coerceMultiSelect(attribute: AttributeShape, raw: unknown): CoerceResult {
  if (attribute.lookup_type) return fail(lookupSelectMessage(attribute));
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
  const ids: number[] = [];
  for (const item of items.filter((v) => !isBlank(v))) {
    const id = optionId(attribute, item);
    if (id === null) return fail(`no option of "${attribute.code}" matches one of the values`);
    if (!ids.includes(id)) ids.push(id);
  }
  return { ok: true, value: ids };
}

/** Option by name (trimmed, case-insensitive), else by id when the value is an integer. */
function optionId(attribute: AttributeShape, raw: unknown): number | null {
  const text = scalarText(raw);
  if (text === null) return null;
  const wanted = singleLine(text).toLowerCase();
  const byName = attribute.options.find((o) => singleLine(o.name).toLowerCase() === wanted);
  if (byName) return byName.id;
  const byId = /^\d+$/.test(wanted) ? attribute.options.find((o) => o.id === Number(wanted)) : undefined;
  return byId?.id ?? null;
}

function lookupSelectMessage(attribute: AttributeShape): string {
  return `Krayin ${attribute.type} attributes backed by "${attribute.lookup_type}" cannot be written from Chatwoot values`;
}

/**
 * An object with address/city/state/country/postcode (other keys ignored), or a string taken as the
 * street address. Krayin requires all five parts only when the attribute itself is required.
 */
export function coerceAddress(raw: unknown, required: boolean): CoerceResult {
  let address: KrayinAddress;
  if (typeof raw === 'string') {
    address = { address: multiLine(raw) };
  } else if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const source = raw as Record<string, unknown>;
    address = {};
    for (const key of ADDRESS_KEYS) {
      if (!Object.prototype.hasOwnProperty.call(source, key) || isBlank(source[key])) continue;
      const text = scalarText(source[key]);
      if (text === null) return fail(`expected text in the address part "${key}"`);
      address[key] = singleLine(text);
    }
  } else {
    return fail('expected an address object or text');
  }
  if (required && ADDRESS_KEYS.some((key) => !address[key])) {
    return fail('a required Krayin address needs address, city, state, country and postcode');
  }
  return { ok: true, value: address };
}

function isRequired(attribute: AttributeShape): boolean {
  return attribute.is_required === true || attribute.is_required === 1;
}

function fail(message: string): CoerceResult {
  return { ok: false, message };
}
