/**
 * GET /contacts/search?q=&page= as Chatwoot answers it (contacts_controller.rb#search,
 * /work/shared/chatwoot.md "Search"): name, email and phone_number match ILIKE %q%, identifier LIKE %q%
 * (case-sensitive), over all contacts; 15 a page; `meta.count` is this page's count. A missing or
 * blank q is Chatwoot's 422 "Specify search string with parameter q".
 */
import express, { type Router } from 'express';
import { CONTACTS_PER_PAGE, pageNumber } from './queries';
import { apiContact } from './render';
import type { FakeChatwootState } from './state';

export function contactSearchRoutes(state: FakeChatwootState): Router {
  const router = express.Router();
  router.get('/contacts/search', (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q : '';
    if (q.trim() === '') return void res.status(422).json({ error: 'Specify search string with parameter q' });
    const lower = q.toLowerCase();
    const ilike = (v: string | null) => v !== null && v.toLowerCase().includes(lower);
    const matching = [...state.contacts.values()]
      .filter((c) => ilike(c.name) || ilike(c.email) || ilike(c.phone_number) || (c.identifier ?? '').includes(q))
      .sort((a, b) => a.id - b.id);
    const page = pageNumber(req.query.page);
    const start = (page - 1) * CONTACTS_PER_PAGE;
    const contacts = matching.slice(start, start + CONTACTS_PER_PAGE);
    res.json({
      meta: {
        count: contacts.length,
        current_page: typeof req.query.page === 'string' ? req.query.page : 1,
        has_more: start + CONTACTS_PER_PAGE < matching.length,
      },
      payload: contacts.map((c) => apiContact(c, true)),
    });
  });
  return router;
}
