import fc from 'fast-check';
import {
  connectionLabeler,
  endpointLabel,
  isRouteTemplate,
  OTHER,
  safeLabel,
  WEBHOOK_REASONS,
} from '../../src/metrics';

describe('safeLabel', () => {
  const rule = { allow: new Set(['accepted', 'network']), pattern: /^[1-5]\d\d$/ };

  it('keeps allowed values and values matching the pattern', () => {
    expect(safeLabel('accepted', rule)).toBe('accepted');
    expect(safeLabel(404, rule)).toBe('404');
    expect(safeLabel('503', rule)).toBe('503');
  });

  it.each([
    ['an email', 'jane.roe@example.com'],
    ['a phone', '+31 6 1234 5678'],
    ['a name', 'Jane Roe'],
    ['a near miss', 'accepted '],
    ['a longer number', '4041'],
    ['an empty string', ''],
    ['undefined', undefined],
    ['an object', { toString: (): string => 'accepted' }],
    ['a very long value', 'a'.repeat(500)],
  ])('maps %s to "other"', (_case, value) => {
    expect(safeLabel(value, rule)).toBe(OTHER);
  });
});

describe('isRouteTemplate / endpointLabel', () => {
  it.each([
    'POST /contacts/persons',
    'GET /contacts/persons/{id}',
    'GET /contacts/persons/search',
    'PUT /leads/stage/edit/{id}',
    'GET /leads/{id}/activities',
    'GET /conversations/{display_id}/messages',
    'DELETE /contacts/organizations/{id}',
  ])('keeps the route template %s', (endpoint) => {
    expect(isRouteTemplate(endpoint)).toBe(true);
    expect(endpointLabel(endpoint)).toBe(endpoint);
  });

  it.each([
    'GET /contacts/persons/42',
    'GET /contacts/persons/jane.roe@example.com',
    'GET /contacts/persons/search?search=emails:jane@example.com',
    'GET /contacts/jane',
    'GET /contacts/persons/{jane}',
    'GET /contacts/persons/+31612345678',
    'POST /contacts/Jane Roe',
    'FETCH /contacts/persons',
    'POST contacts/persons',
    'POST /',
    'POST /contacts//persons',
    'Jane Roe',
  ])('maps %s to "other"', (endpoint) => {
    expect(endpointLabel(endpoint)).toBe(OTHER);
  });

  it('accepts explicitly configured extra endpoints', () => {
    expect(endpointLabel('POST /custom/hook', new Set(['POST /custom/hook']))).toBe('POST /custom/hook');
  });

  it('never lets a digit, "@" or "+" through', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (tail) => {
        const label = endpointLabel(`GET /contacts/${tail}`);
        expect(label === OTHER || !/[0-9@+ ]/.test(label.slice(4))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('connectionLabeler', () => {
  it('keeps only configured connections when a list is given', () => {
    const label = connectionLabeler(['default', 'acme']);
    expect(label('acme')).toBe('acme');
    expect(label('jane')).toBe(OTHER);
  });

  it('without a list, keeps id-shaped values up to a cap of distinct values', () => {
    const label = connectionLabeler(undefined, 2);
    expect(label('a1')).toBe('a1');
    expect(label('Jane Roe')).toBe(OTHER);
    expect(label('0612345678')).toBe(OTHER);
    expect(label('jane@example.com')).toBe(OTHER);
    expect(label('a2')).toBe('a2');
    expect(label('a3')).toBe(OTHER);
    expect(label('a1')).toBe('a1');
  });
});

it('lists every reason once', () => {
  expect(new Set(WEBHOOK_REASONS).size).toBe(WEBHOOK_REASONS.length);
  for (const r of WEBHOOK_REASONS) expect(r).toMatch(/^[a-z_]+$/);
});
