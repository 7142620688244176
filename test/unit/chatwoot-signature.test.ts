import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature, type VerifyWebhookInput } from '../../src/chatwoot/signature';
import { loadFixture } from '../helpers/webhooks';

const secret = 'Wk7cQm2Rt9Lx4Vb8Np3Hs6Jd'; // 24 characters, like has_secure_token
const ts = 1781946843;
const nowMs = () => ts * 1000;
const body = loadFixture('contact_created.json');

function verify(overrides: Partial<VerifyWebhookInput> = {}) {
  return verifyWebhookSignature({
    secret,
    rawBody: body,
    signature: signWebhook(secret, body, ts),
    timestamp: String(ts),
    nowMs,
    ...overrides,
  });
}

describe('signWebhook', () => {
  it('matches a vector computed independently with openssl', () => {
    // printf '%s' '1700000000.{"event":"contact_created","id":1}' | openssl dgst -sha256 -hmac 'test-secret'
    expect(signWebhook('test-secret', '{"event":"contact_created","id":1}', 1700000000)).toBe(
      'sha256=6ccca337e59e6b6010bfcaeb7cfdfd4a9c9685833e653ad6e62b516bb85d415a',
    );
  });

  it('is HMAC-SHA256 over "<timestamp>.<raw body>" with a lowercase hex digest', () => {
    const expected = createHmac('sha256', secret)
      .update(Buffer.concat([Buffer.from(`${ts}.`), body]))
      .digest('hex');
    expect(signWebhook(secret, body, ts)).toBe(`sha256=${expected}`);
  });
});

describe('verifyWebhookSignature', () => {
  it('accepts the signature Chatwoot would send', () => {
    expect(verify()).toEqual({ ok: true });
  });

  it('accepts an uppercase hex digest', () => {
    const upper = `sha256=${signWebhook(secret, body, ts).slice(7).toUpperCase()}`;
    expect(verify({ signature: upper })).toEqual({ ok: true });
  });

  it.each([undefined, ''])('missing signature (%p)', (signature) => {
    expect(verify({ signature })).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each([
    ['no prefix', signWebhook(secret, body, ts).slice(7)],
    ['sha1 prefix', `sha1=${signWebhook(secret, body, ts).slice(7)}`],
    ['too short', signWebhook(secret, body, ts).slice(0, -2)],
    ['too long', `${signWebhook(secret, body, ts)}00`],
    ['not hex', `sha256=${'z'.repeat(64)}`],
    ['two signatures joined', `${signWebhook(secret, body, ts)}, ${signWebhook(secret, body, ts)}`],
  ])('malformed signature: %s', (_label, signature) => {
    expect(verify({ signature })).toEqual({ ok: false, reason: 'malformed_signature' });
  });

  it.each([undefined, ''])('missing timestamp (%p)', (timestamp) => {
    expect(verify({ timestamp })).toEqual({ ok: false, reason: 'missing_timestamp' });
  });

  it.each(['soon', '1781946843.5', '-1781946843', '2026-06-20T09:14:03Z'])('malformed timestamp %p', (timestamp) => {
    expect(verify({ timestamp })).toEqual({ ok: false, reason: 'malformed_timestamp' });
  });

  describe('the +-5 minute window (signature valid for the timestamp it names)', () => {
    const at = (offsetSec: number) => {
      const t = ts + offsetSec;
      return verify({ timestamp: String(t), signature: signWebhook(secret, body, t) });
    };
    it.each([0, 300, -300, 299, -299])('accepts a timestamp %p s from now', (offset) => {
      expect(at(offset)).toEqual({ ok: true });
    });
    it.each([301, -301, 3600, -86400])('rejects a timestamp %p s from now as stale', (offset) => {
      expect(at(offset)).toEqual({ ok: false, reason: 'stale_timestamp' });
    });
    it('uses a configurable tolerance', () => {
      const t = ts - 60;
      const signature = signWebhook(secret, body, t);
      expect(verify({ timestamp: String(t), signature, toleranceSeconds: 59 })).toEqual({
        ok: false,
        reason: 'stale_timestamp',
      });
      expect(verify({ timestamp: String(t), signature, toleranceSeconds: 60 })).toEqual({ ok: true });
    });
    it('counts milliseconds of the clock down to whole seconds', () => {
      expect(verify({ nowMs: () => (ts + 300) * 1000 + 999 })).toEqual({ ok: true });
      expect(verify({ nowMs: () => (ts + 301) * 1000 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    });
  });

  describe('bad signatures', () => {
    it('rejects a signature made with another secret', () => {
      expect(verify({ signature: signWebhook('another-secret-24-chars!', body, ts) })).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
    });

    it('rejects an HMAC over the body alone (the #13809 mistake)', () => {
      const bodyOnly = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      expect(verify({ signature: bodyOnly })).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects the same event re-serialised (the HMAC covers the exact bytes)', () => {
      const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
      expect(reserialised.equals(body)).toBe(false);
      expect(verify({ rawBody: reserialised })).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects a Rails-escaped body whose escapes were decoded (\\u0026 vs &)', () => {
      const rails = Buffer.from('{"event":"contact_updated","name":"A \\u0026 B"}');
      const decoded = Buffer.from('{"event":"contact_updated","name":"A & B"}');
      const signature = signWebhook(secret, rails, ts);
      expect(verify({ rawBody: rails, signature })).toEqual({ ok: true });
      expect(verify({ rawBody: decoded, signature })).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects a signature whose timestamp header was changed (replay with a fresh timestamp)', () => {
      expect(verify({ timestamp: String(ts + 10) })).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects one flipped byte in the body', () => {
      const tampered = Buffer.from(body);
      tampered[10] = (tampered[10] ?? 0) ^ 1;
      expect(verify({ rawBody: tampered })).toEqual({ ok: false, reason: 'bad_signature' });
    });
  });
});
