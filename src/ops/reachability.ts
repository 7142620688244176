/**
 * Live answers for the admin API: are Krayin and Chatwoot reachable with the configured tokens right
 * now (`status`), and does a Chatwoot contact exist (`replay`)? Its own clients with a short timeout,
 * so a hung Krayin makes `status` slow by seconds, not minutes, and no call waits on the sync's
 * request budget. No Slack or SMTP needed: the answer goes to whoever asked.
 */
import { ChatwootClient } from '../chatwoot/api-client';
import type { ConnectionConfig } from '../config/schema';
import { KrayinClient } from '../krayin/client';

/** Long enough for a healthy server under load, short enough for an operator waiting on `status`. */
export const PROBE_TIMEOUT_MS = 5_000;

export interface Reachability {
  ok: boolean;
  /** Why not, when not ok: the error class and message (route templates, never contact data). */
  error?: string;
}

export interface ConnectionProbes {
  /** Both systems probed in parallel with one cheap authenticated GET each. */
  reachability(connectionId: string): Promise<{ krayin: Reachability; chatwoot: Reachability }>;
  /** false when Chatwoot answers 404 for the contact; throws when Chatwoot cannot answer. */
  contactExists(connectionId: string, contactId: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createConnectionProbes(connections: readonly ConnectionConfig[]): ConnectionProbes {
  const clients = new Map(
    connections.map((c) => [
      c.id,
      {
        krayin: new KrayinClient({
          baseUrl: c.krayin.url,
          token: c.krayin.token,
          timezone: c.krayin.timezone,
          timeoutMs: Math.min(c.krayin.timeoutMs, PROBE_TIMEOUT_MS),
        }),
        chatwoot: ChatwootClient.forConnection({
          ...c,
          chatwoot: { ...c.chatwoot, timeoutMs: Math.min(c.chatwoot.timeoutMs, PROBE_TIMEOUT_MS) },
        }),
      },
    ]),
  );
  const of = (connectionId: string) => {
    const c = clients.get(connectionId);
    if (!c) throw new Error(`unknown connection ${connectionId}`);
    return c;
  };
  return {
    async reachability(connectionId) {
      const c = of(connectionId);
      const [krayin, chatwoot] = await Promise.all([
        probe(() => c.krayin.getCurrentUser()),
        probe(() => c.chatwoot.checkAccess()),
      ]);
      return { krayin, chatwoot };
    },
    async contactExists(connectionId, contactId) {
      return (await of(connectionId).chatwoot.getContact(contactId)) !== null;
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.krayin.close()));
    },
  };
}

async function probe(call: () => Promise<unknown>): Promise<Reachability> {
  try {
    await call();
    return { ok: true };
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown };
    const name = typeof e.name === 'string' ? e.name : 'Error';
    const message = typeof e.message === 'string' ? e.message.slice(0, 200) : String(err);
    return { ok: false, error: `${name}: ${message}` };
  }
}
