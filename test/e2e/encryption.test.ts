/**
 * Payload encryption, end to end: with PAYLOAD_ENCRYPTION_KEYS the whole service (dispatcher, workers,
 * activities) writes Temporal history encrypted, so contact data is unreadable there without the key;
 * the codec endpoint decodes it for the Temporal UI, behind its token. Ids and search attributes stay
 * readable (they never hold PII).
 */
import { Client, Connection } from '@temporalio/client';
import { request } from 'undici';
import { generateKey, parseKeyring } from '../../src/codec/keyring';
import { startHarness } from '../helpers/harness';

describe('payload encryption', () => {
  it('keeps contact data out of Temporal history in clear, and decodes it through the codec endpoint', async () => {
    const codecToken = 'codec-token-0123456789abcdef';
    const h = await startHarness({
      sync: { leadPolicy: 'contact_created' },
      service: {
        codec: {
          encryption: parseKeyring(`k2:${generateKey()},k1:${generateKey()}`),
          codecServer: { token: codecToken },
        },
      },
    });
    try {
      await h.sendContact('contact_created', {
        id: 4301,
        name: 'Secret Sarah',
        email: 'secret.sarah@example.com',
        additional_attributes: { company_name: 'Hidden Corp' },
        custom_attributes: {},
      });
      await h.waitFor(4301, (s) => s.syncStatus === 'synced');
      expect(h.krayin.snapshot().persons[0]?.name).toBe('Secret Sarah');

      // A client without the key sees only ciphertext.
      const connection = await Connection.connect({ address: h.temporalAddress });
      try {
        const plain = new Client({ connection });
        const history = await plain.workflow.getHandle('contact:default:4301').fetchHistory();
        const raw = JSON.stringify(history);
        expect(raw).not.toContain('secret.sarah@example.com');
        expect(raw).not.toContain('Secret Sarah');
        expect(raw).not.toContain('Hidden Corp');
        expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));

        // The codec endpoint (what the Temporal UI calls) decodes with its token, and only with it.
        const payloads = history.events
          ?.flatMap((e) => e.activityTaskCompletedEventAttributes?.result?.payloads ?? [])
          .map((p) => ({
            metadata: Object.fromEntries(
              Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
            ),
            data: Buffer.from(p.data ?? []).toString('base64'),
          }));
        expect(payloads?.length).toBeGreaterThan(0);
        const denied = await request(`${h.ingestUrl}/codec/decode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ payloads }),
        });
        expect(denied.statusCode).toBe(401);
        await denied.body.dump();
        const decoded = await request(`${h.ingestUrl}/codec/decode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${codecToken}` },
          body: JSON.stringify({ payloads }),
        });
        expect(decoded.statusCode).toBe(200);
        const body = (await decoded.body.json()) as { payloads: { data: string }[] };
        const text = body.payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');
        expect(text).toContain('secret.sarah@example.com');
      } finally {
        await connection.close();
      }
    } finally {
      await h.close();
    }
  });
});
