/**
 * A sales user's edit of a person through Krayin's REST API, as a sales tool would make it: Krayin's PUT
 * replaces the whole person (src/krayin/README.md §7), so the person is read and sent back with `changes`.
 */
import { request } from 'undici';

export async function editKrayinPerson(
  krayin: { apiBase: string; token: string },
  personId: number,
  changes: Record<string, unknown>,
): Promise<void> {
  const headers = { authorization: `Bearer ${krayin.token}`, accept: 'application/json' };
  const res = await request(`${krayin.apiBase}/contacts/persons/${personId}`, { headers });
  const person = ((await res.body.json()) as { data: Record<string, unknown> }).data;
  const put = await request(`${krayin.apiBase}/contacts/persons/${personId}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: person.name,
      emails: person.emails,
      contact_numbers: person.contact_numbers,
      job_title: person.job_title,
      user_id: (person.sales_owner as { id: number } | undefined)?.id ?? null,
      ...changes,
    }),
  });
  const text = await put.body.text();
  if (put.statusCode !== 200) throw new Error(`Krayin PUT answered ${put.statusCode}: ${text}`);
}
