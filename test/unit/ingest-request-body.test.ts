import { createHash } from 'node:crypto';
import {
  bodyDeliveryId,
  checkJsonContentType,
  isAcceptableDeliveryId,
  parseByteSize,
  parseJsonObject,
} from '../../src/ingest/request-body';

describe('checkJsonContentType', () => {
  it.each([
    ['application/json', 'ok'],
    ['Application/JSON; charset=UTF-8', 'ok'],
    ['application/json;charset="utf-8"', 'ok'],
    ['application/problem+json', 'ok'],
    ['application/json; charset=latin1', 'charset_unsupported'],
    ['text/json', 'not_json'],
    ['application/jsonp', 'not_json'],
    ['multipart/form-data; boundary=x', 'not_json'],
    ['', 'not_json'],
    [undefined, 'not_json'],
  ])('%p -> %s', (header, expected) => {
    expect(checkJsonContentType(header)).toBe(expected);
  });
});

describe('parseJsonObject', () => {
  it('parses an object, keeping the values', () => {
    expect(parseJsonObject(Buffer.from('{"event":"contact_created","id":1}'))).toEqual({
      ok: true,
      value: { event: 'contact_created', id: 1 },
    });
  });

  it.each([
    ['trailing garbage', '{"a":1} x', 'invalid_json'],
    ['single quotes', "{'a':1}", 'invalid_json'],
    ['empty', '', 'invalid_json'],
    ['array', '[]', 'not_an_object'],
    ['number', '42', 'not_an_object'],
    ['null', 'null', 'not_an_object'],
  ])('rejects %s', (_label, raw, reason) => {
    expect(parseJsonObject(Buffer.from(raw))).toEqual({ ok: false, reason });
  });

  it('rejects invalid UTF-8 instead of replacing it with U+FFFD', () => {
    expect(parseJsonObject(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]))).toEqual({
      ok: false,
      reason: 'invalid_json',
    });
  });

  it('keeps __proto__ as data, never as a prototype', () => {
    const result = parseJsonObject(Buffer.from('{"__proto__":{"polluted":true}}'));
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('delivery ids', () => {
  it('derives sha256:<hex> of the exact bytes', () => {
    const body = Buffer.from('{"event":"contact_created"}');
    expect(bodyDeliveryId(body)).toBe(`sha256:${createHash('sha256').update(body).digest('hex')}`);
    expect(bodyDeliveryId(Buffer.from('{"event": "contact_created"}'))).not.toBe(bodyDeliveryId(body));
  });

  it.each([
    ['3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f', true],
    [`sha256:${'a'.repeat(64)}`, true],
    ['', false],
    ['has space', false],
    ['-leading-dash', false],
    ['x'.repeat(129), false],
  ])('%p acceptable: %p', (id, ok) => {
    expect(isAcceptableDeliveryId(id)).toBe(ok);
  });
});

describe('parseByteSize', () => {
  it.each([
    ['1mb', 1048576],
    ['16kb', 16384],
    ['1.5MB', 1572864],
    ['2048', 2048],
    [' 10 b ', 10],
  ])('%p -> %p bytes', (size, bytes) => {
    expect(parseByteSize(size)).toBe(bytes);
  });

  it.each(['abc', '', '0', '1tb', '-1mb', 'mb'])('rejects %p (body-parser would apply no limit)', (size) => {
    expect(() => parseByteSize(size)).toThrow(/bodyLimit/);
  });
});
