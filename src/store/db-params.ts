/**
 * Query parameters as both engines receive them. Only values whose meaning cannot differ between the
 * drivers are accepted: pg turns a JS array into a Postgres array but an object into JSON, PGlite
 * decides by the parameter's type, so JSON must be passed as text (JSON.stringify + `$n::jsonb`).
 */
export type DbParam = string | number | boolean | bigint | Date | null | undefined | readonly DbScalar[];
type DbScalar = string | number | boolean | bigint | Date | null;
export type DriverParam = string | number | boolean | null;

// Not `instanceof`: a Date made in another JS realm (a jest sandbox, a vm context) is a Date all the same.
function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

function scalarText(value: DbScalar): string | null {
  if (value === null) return null;
  if (isDate(value)) {
    if (Number.isNaN(value.getTime())) throw new RangeError('query parameter is an invalid Date');
    return value.toISOString();
  }
  return String(value);
}

/** `{"a","b",NULL}`: every element quoted, so Postgres casts it to the parameter's array type. */
function arrayLiteral(items: readonly DbScalar[]): string {
  const elements = items.map((item) => {
    const text = scalarText(item);
    return text === null ? 'NULL' : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${elements.join(',')}}`;
}

export function toDriverParams(params: readonly unknown[] = []): DriverParam[] {
  return params.map((value, index) => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'bigint') return value.toString();
    if (isDate(value)) return scalarText(value);
    if (Array.isArray(value)) {
      if (value.some((item) => item !== null && typeof item === 'object' && !isDate(item))) {
        throw new TypeError(`query parameter $${index + 1}: nested arrays and objects are not supported`);
      }
      return arrayLiteral(value as DbScalar[]);
    }
    throw new TypeError(`query parameter $${index + 1}: pass JSON as text (JSON.stringify) and cast it with ::jsonb`);
  });
}
