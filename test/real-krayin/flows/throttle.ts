/**
 * Krayin's throttle (60 requests/minute per user) hit on purpose: the connection's own budget is set
 * far above it, and 16 new contacts need more than 60 calls. After a 429 the service must send nothing
 * until its Retry-After has passed, and every contact must still end synced.
 */
import type { Flow } from '../helpers/flows';
import { contact } from './contacts';

export const THROTTLE_CONTACTS = Array.from({ length: 16 }, (_v, i) => 9101 + i);

export const throttleHitOnPurpose: Flow = async (t) => {
  for (const id of THROTTLE_CONTACTS) {
    // Own phones: a shared phone would (rightly) link them all to one person.
    const res = await t.h.sendContact('contact_created', contact(id, { phone_number: `+49151${id}0000` }));
    expect(res.status).toBe(202);
  }
  for (const id of THROTTLE_CONTACTS) {
    await t.h.waitFor(id, (s) => s.syncStatus === 'synced' && s.status === 'idle', 240_000);
  }

  const k = await t.view();
  expect(k.persons).toHaveLength(THROTTLE_CONTACTS.length);
  expect(k.leads).toHaveLength(THROTTLE_CONTACTS.length);
  expect(new Set(k.organizations.map((o) => o.name)).size).toBe(THROTTLE_CONTACTS.length);

  const calls = t.calls();
  const limited = calls.filter((c) => c.status === 429);
  expect(limited.length).toBeGreaterThan(0);
  // No request sent inside a window Krayin announced. The proxy sees arrivals, not the service's
  // decisions: a request the service dispatched just before the 429 reached it can arrive just after
  // (IN_FLIGHT_GRACE_MS); such a request is still refused by Krayin's throttle, never answered 2xx.
  // The counting proxy in front of the real Krayin records answer times and Retry-After; the fake's log does not.
  if (t.kind !== 'real') return;
  for (const hit of limited) {
    const answeredAt = hit.answeredAt!;
    expect(hit.retryAfter).toBeGreaterThan(0);
    const windowEnd = answeredAt + hit.retryAfter! * 1000;
    const raced = calls.filter((c) => c.at > answeredAt && c.at <= answeredAt + IN_FLIGHT_GRACE_MS && c.at < windowEnd);
    expect(raced.filter((c) => c.status !== 429)).toEqual([]);
    const inside = calls.filter((c) => c.at > answeredAt + IN_FLIGHT_GRACE_MS && c.at < windowEnd);
    expect(inside.map((c) => `${c.method} ${c.path} at +${c.at - answeredAt} ms`)).toEqual([]);
  }
};

/** How late a request dispatched before the 429 arrived may still reach the proxy (a loaded 2-core box). */
const IN_FLIGHT_GRACE_MS = 1_000;
