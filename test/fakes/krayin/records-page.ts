/**
 * GET /__fake/records: what the fake Krayin holds as one plain HTML page (organizations, persons,
 * leads with their stage, activities with their comment; Krayin's own system activities counted, not
 * listed), for a human watching a demo or a test run.
 * Everything shown is escaped: the records carry Chatwoot text.
 */
import type { FakeKrayinSnapshot } from './snapshot';

const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function table(title: string, headers: string[], rows: unknown[][]): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.length
    ? rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')
    : `<tr><td colspan="${headers.length}">none yet</td></tr>`;
  return `<h2>${esc(title)} (${rows.length})</h2>\n<table>\n<tr>${head}</tr>\n${body}\n</table>`;
}

/** An activity comment (HTML, as Krayin renders it) as plain text; escaped again when shown. */
const plainText = (html: string | null) =>
  (html ?? '')
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(
      /&(lt|gt|quot|#39|amp);/g,
      (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e] ?? '',
    )
    .trim();

const emails = (v: unknown) => (Array.isArray(v) ? v.map((e) => (e as { value?: unknown }).value).join(', ') : '');

export function recordsPage(s: FakeKrayinSnapshot): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Simulated Krayin: records</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}td{white-space:pre-wrap;max-width:50em}</style>
</head><body>
<h1>Simulated Krayin: records</h1>
<p>Reload to see new records. The same as JSON: <a href="/__fake/state">/__fake/state</a>.</p>
${table(
  'Organizations',
  ['id', 'name', 'created'],
  s.organizations.map((o) => [o.id, o.name, o.created_at]),
)}
${table(
  'Persons',
  ['id', 'name', 'emails', 'organization', 'created'],
  s.persons.map((p) => [p.id, p.name, emails(p.emails), p.organization_id, p.created_at]),
)}
${table(
  'Leads',
  ['id', 'title', 'person', 'stage', 'created'],
  s.leads.map((l) => [l.id, l.title, l.person_id, l.stage_code, l.created_at]),
)}
${table(
  'Activities',
  ['id', 'type', 'title', 'done', 'leads', 'persons', 'comment'],
  s.activities
    .filter((a) => a.type !== 'system')
    .map((a) => [
      a.id,
      a.type,
      a.title,
      a.is_done ? 'yes' : 'no',
      a.lead_ids.join(', '),
      a.person_ids.join(', '),
      plainText(a.comment),
    ]),
)}
<p>Not shown: ${s.activities.filter((a) => a.type === 'system').length} system activities (Krayin's own log of record changes).</p>
</body></html>
`;
}
