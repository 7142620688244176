/**
 * The dashboard app's context token (src/chatwoot-app/context-token.ts): bound to its connection, contact
 * and conversation, signed with a key derived from the connection's app token, short-lived.
 */
import { CONTEXT_TTL_MS, signContext, verifyContext } from '../../src/chatwoot-app/context-token';

const APP_TOKEN = 'PanelToken_0123456789abcdefXYZ';
const CTX = { connectionId: 'default', contactId: 42, conversationId: 7 };
const NOW = 1_800_000_000_000;

describe('context token', () => {
  it('verifies to the context it was issued for, until it expires', () => {
    const token = signContext(APP_TOKEN, CTX, NOW);
    expect(verifyContext(APP_TOKEN, 'default', token, NOW + 1)).toEqual(CTX);
    expect(verifyContext(APP_TOKEN, 'default', token, NOW + CONTEXT_TTL_MS - 1)).toEqual(CTX);
    expect(verifyContext(APP_TOKEN, 'default', token, NOW + CONTEXT_TTL_MS)).toBeNull();
  });

  it('is refused for another connection, under another app token, or altered', () => {
    const token = signContext(APP_TOKEN, CTX, NOW);
    expect(verifyContext(APP_TOKEN, 'other', token, NOW)).toBeNull();
    expect(verifyContext('PanelToken_rotated_abcdefghijk', 'default', token, NOW)).toBeNull();
    const [body, sig] = token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const other = Buffer.from(JSON.stringify({ ...payload, ct: 43 })).toString('base64url');
    expect(verifyContext(APP_TOKEN, 'default', `${other}.${sig}`, NOW)).toBeNull();
    for (const bad of [
      undefined,
      '',
      'x',
      `${body}.`,
      `${body}.${sig}.x`,
      `${body}.${sig!.slice(1)}`,
      'a'.repeat(2000),
    ]) {
      expect(verifyContext(APP_TOKEN, 'default', bad, NOW)).toBeNull();
    }
  });
});
