import type { KrayinAttribute } from '../../src/krayin/api';
import { coerceAttributeValue, type CoerceResult } from '../../src/mapping/coerce';

function attr(type: string, extra: Partial<KrayinAttribute> = {}): KrayinAttribute {
  return {
    id: 100,
    code: 'cw_field',
    name: 'Field',
    type,
    entity_type: 'persons',
    lookup_type: null,
    is_required: 0,
    is_unique: 0,
    is_user_defined: 1,
    options: [],
    ...extra,
  };
}

const tiers = attr('select', {
  code: 'cw_tier',
  options: [
    { id: 7, name: 'Gold' },
    { id: 8, name: 'Silver' },
    { id: 9, name: '12' },
  ],
});

const ok = (value: unknown): CoerceResult => ({ ok: true, value });
const coerce = (a: KrayinAttribute, raw: unknown, tz = 'UTC') => coerceAttributeValue(a, raw, { timezone: tz });

describe('text and textarea', () => {
  it('keeps text on one line for text, line breaks for textarea', () => {
    expect(coerce(attr('text'), '  a \n b  ')).toEqual(ok('a b'));
    expect(coerce(attr('textarea'), '  a \r\n b  ')).toEqual(ok('a \n b'));
  });

  it('writes numbers and booleans as text', () => {
    expect(coerce(attr('text'), 42)).toEqual(ok('42'));
    expect(coerce(attr('text'), true)).toEqual(ok('true'));
  });

  it('rejects objects and lists', () => {
    expect(coerce(attr('text'), { a: 1 })).toEqual({ ok: false, message: 'expected a text value' });
    expect(coerce(attr('text'), ['a'])).toEqual({ ok: false, message: 'expected a text value' });
  });

  it('truncates to a TEXT column (65,535 bytes of UTF-8)', () => {
    const result = coerce(attr('textarea'), 'é'.repeat(40_000));
    expect(result.ok && (result.value as string).length).toBe(32_767);
  });
});

describe('email and phone', () => {
  it('become [{value,label:"work"}] lists, normalised and de-duplicated', () => {
    expect(coerce(attr('email'), ' Jane@Example.com ')).toEqual(ok([{ value: 'jane@example.com', label: 'work' }]));
    expect(coerce(attr('email'), ['a@example.com', 'A@example.com', 'b@example.com'])).toEqual(
      ok([
        { value: 'a@example.com', label: 'work' },
        { value: 'b@example.com', label: 'work' },
      ]),
    );
    expect(coerce(attr('phone'), '+49 151 1234 5678')).toEqual(ok([{ value: '+4915112345678', label: 'work' }]));
  });

  it('rejects an invalid email without quoting it', () => {
    const result = coerce(attr('email'), 'secret-person@');
    expect(result).toEqual({ ok: false, message: 'expected a valid email address' });
  });
});

describe('boolean', () => {
  it.each([true, 1, 'true', 'TRUE', 'yes', 'Y', 'on', '1'])('%p -> 1', (raw) => {
    expect(coerce(attr('boolean'), raw)).toEqual(ok(1));
  });
  it.each([false, 0, 'false', 'no', 'N', 'off', '0'])('%p -> 0', (raw) => {
    expect(coerce(attr('boolean'), raw)).toEqual(ok(0));
  });
  it('rejects anything else', () => {
    expect(coerce(attr('boolean'), 'maybe').ok).toBe(false);
    expect(coerce(attr('boolean'), 2).ok).toBe(false);
  });
  it('writes 0 when there is no value (Krayin resets an omitted boolean to 0 anyway)', () => {
    expect(coerce(attr('boolean'), null)).toEqual(ok(0));
    expect(coerce(attr('boolean', { is_required: 1 }), '')).toEqual(ok(0));
  });
});

describe('date', () => {
  it('keeps a calendar date', () => {
    expect(coerce(attr('date'), '2026-06-20')).toEqual(ok('2026-06-20'));
  });

  it('reads a UTC-midnight instant (how Chatwoot stores date attributes) as that date in any zone', () => {
    expect(coerce(attr('date'), '2026-06-20T00:00:00.000Z', 'America/New_York')).toEqual(ok('2026-06-20'));
  });

  it('converts other instants to the date in the Krayin time zone', () => {
    expect(coerce(attr('date'), '2026-06-20T20:00:00Z', 'Asia/Kolkata')).toEqual(ok('2026-06-21'));
    expect(coerce(attr('date'), '2026-06-20T02:00:00Z', 'America/New_York')).toEqual(ok('2026-06-19'));
    expect(coerce(attr('date'), 1781946902, 'UTC')).toEqual(ok('2026-06-20')); // epoch seconds
  });

  it.each(['2026-02-30', '20.06.2026', 'June 20, 2026', 'tomorrow', '2026-13-01', true])('rejects %p', (raw) => {
    expect(coerce(attr('date'), raw)).toEqual({ ok: false, message: 'expected a date (ISO-8601)' });
  });
});

describe('datetime', () => {
  it('writes Y-m-d H:i:s wall time in the Krayin time zone', () => {
    expect(coerce(attr('datetime'), '2026-06-20T08:57:40.118Z', 'Asia/Kolkata')).toEqual(ok('2026-06-20 14:27:40'));
    expect(coerce(attr('datetime'), '2026-06-20T10:00:00+02:00', 'UTC')).toEqual(ok('2026-06-20 08:00:00'));
    expect(coerce(attr('datetime'), '2026-01-15 15:00', 'America/New_York')).toEqual(ok('2026-01-15 10:00:00'));
  });

  it('takes offset-less date-times as UTC and dates as local midnight', () => {
    expect(coerce(attr('datetime'), '2026-06-20T10:00:00', 'Europe/Berlin')).toEqual(ok('2026-06-20 12:00:00'));
    expect(coerce(attr('datetime'), '2026-06-20', 'Europe/Berlin')).toEqual(ok('2026-06-20 00:00:00'));
  });

  it('reads epoch seconds and milliseconds', () => {
    expect(coerce(attr('datetime'), 1781946902, 'UTC')).toEqual(ok('2026-06-20 09:15:02'));
    expect(coerce(attr('datetime'), 1781946902377, 'UTC')).toEqual(ok('2026-06-20 09:15:02'));
  });

  it('rejects nonsense', () => {
    expect(coerce(attr('datetime'), '2026-06-20T25:00:00Z')).toEqual({
      ok: false,
      message: 'expected a date and time (ISO-8601)',
    });
  });
});

describe('price', () => {
  it.each([
    [12, 12],
    ['12.5', 12.5],
    [' 1000 ', 1000],
    [0.123456, 0.1235],
    ['-3', -3],
  ])('%p -> %p (4 decimals, like decimal(12,4))', (raw, expected) => {
    expect(coerce(attr('price'), raw)).toEqual(ok(expected));
  });

  it.each(['12,5', '1e3', 'abc', 1e9, Number.NaN])('rejects %p', (raw) => {
    expect(coerce(attr('price'), raw).ok).toBe(false);
  });
});

describe('select', () => {
  it('finds the option by name, case-insensitively, and writes its id', () => {
    expect(coerce(tiers, 'gold')).toEqual(ok(7));
    expect(coerce(tiers, ' SILVER ')).toEqual(ok(8));
  });

  it('matches names before ids, then ids', () => {
    expect(coerce(tiers, '12')).toEqual(ok(9));
    expect(coerce(tiers, 8)).toEqual(ok(8));
  });

  it('rejects a value that is no option, naming the attribute but not the value', () => {
    expect(coerce(tiers, 'Platinum')).toEqual({ ok: false, message: 'no option of "cw_tier" matches the value' });
  });

  it('refuses selects whose options live in another table', () => {
    expect(coerce(attr('select', { lookup_type: 'users' }), 'x').ok).toBe(false);
  });
});

describe('multiselect and checkbox', () => {
  it('become an array of option ids (Krayin implodes it; a string would crash it)', () => {
    const multi = { ...tiers, type: 'multiselect' };
    expect(coerce(multi, ['Gold', 'silver', 'gold'])).toEqual(ok([7, 8]));
    expect(coerce(multi, 'silver, Gold')).toEqual(ok([8, 7]));
    expect(coerce({ ...tiers, type: 'checkbox' }, 'Gold')).toEqual(ok([7]));
  });

  it('rejects unknown options', () => {
    expect(coerce({ ...tiers, type: 'multiselect' }, ['Gold', 'Bronze']).ok).toBe(false);
  });
});

describe('address', () => {
  it('takes the known parts of an object, or text as the street address', () => {
    expect(coerce(attr('address'), { city: ' Berlin ', country: 'DE', extra: 'x' })).toEqual(
      ok({ city: 'Berlin', country: 'DE' }),
    );
    expect(coerce(attr('address'), 'Main St 1')).toEqual(ok({ address: 'Main St 1' }));
  });

  it('needs all five parts when the attribute is required', () => {
    expect(coerce(attr('address', { is_required: 1 }), { city: 'Berlin' }).ok).toBe(false);
  });
});

describe('unsupported types', () => {
  it.each(['lookup', 'image', 'file'])('%s is a clear problem', (type) => {
    expect(coerce(attr(type), 'x')).toEqual({
      ok: false,
      message: `Krayin ${type} attributes cannot be written from Chatwoot values`,
    });
  });

  it('an unknown type is a problem too', () => {
    expect(coerce(attr('radio'), 'x')).toEqual({ ok: false, message: 'unsupported Krayin attribute type "radio"' });
  });
});

describe('no value', () => {
  it('clears the attribute in the form Krayin accepts for its type', () => {
    expect(coerce(attr('text'), '')).toEqual(ok(null));
    expect(coerce(attr('date'), null)).toEqual(ok(null));
    expect(coerce(tiers, undefined)).toEqual(ok(null));
    expect(coerce(attr('email'), '')).toEqual(ok([]));
    expect(coerce(attr('phone'), null)).toEqual(ok([]));
    expect(coerce({ ...tiers, type: 'multiselect' }, [])).toEqual(ok([]));
  });

  it('leaves a required attribute out (Krayin would 422 on an empty required value)', () => {
    expect(coerce(attr('text', { is_required: 1 }), '  ')).toEqual(ok(undefined));
    expect(coerce(attr('email', { is_required: true }), null)).toEqual(ok(undefined));
  });
});
