/**
 * Which contact a Krayin request was made for, from the fake's request log: its query and body name the
 * contact's email, name or company, or its path/query names the person, lead or organization Krayin
 * created for it. Reference-data reads (/settings/...) belong to no contact.
 */
import type { FakeKrayinSnapshot, FakeRequestLogEntry } from '../../fakes/krayin';
import { companyOf, type ChaosContact } from './chaos';

export type Attribution = (r: FakeRequestLogEntry) => number | null;

export function attributeRequests(contacts: ChaosContact[], snap: FakeKrayinSnapshot): Attribution {
  const emailsOf = (p: { emails: unknown }) =>
    Array.isArray(p.emails) ? (p.emails as { value?: unknown }[]).map((e) => String(e.value ?? '').toLowerCase()) : [];
  const byId: { contact: number; person: number | null; leads: number[]; org: number | null }[] = contacts.map((c) => {
    const person = snap.persons.find((p) => emailsOf(p).includes(c.email.toLowerCase())) ?? null;
    return {
      contact: c.id,
      person: person?.id ?? null,
      leads: person ? snap.leads.filter((l) => l.person_id === person.id).map((l) => l.id) : [],
      org: person?.organization_id ?? null,
    };
  });
  const tokens = contacts.map((c) => ({
    id: c.id,
    words: [c.email.toLowerCase(), c.name.toLowerCase(), companyOf(c)?.toLowerCase()].filter((w): w is string => !!w),
  }));

  return (r) => {
    if (r.path.startsWith('/settings/')) return null;
    const text = JSON.stringify({ q: r.query, b: r.body ?? null }).toLowerCase();
    for (const t of tokens) if (t.words.some((w) => text.includes(w))) return t.id;
    for (const x of byId) {
      const idIn = (prefix: string, id: number | null) =>
        id !== null && new RegExp(`^${prefix}/${id}(/|$)`).test(r.path);
      if (idIn('/contacts/persons', x.person) || idIn('/contacts/organizations', x.org)) return x.contact;
      if (x.leads.some((l) => idIn('/leads', l) || idIn('/leads/stage/edit', l))) return x.contact;
      if (x.person !== null) {
        const pid = String(x.person);
        if (r.query.person_id === pid || (r.query.search ?? '').includes(`person_id:${pid}`)) return x.contact;
        if ((r.body as { person_id?: unknown } | undefined)?.person_id === x.person) return x.contact;
      }
      if (x.leads.some((l) => (r.body as { lead_id?: unknown } | undefined)?.lead_id === l)) return x.contact;
    }
    return null;
  };
}
