/**
 * POST /contacts/filter, the standard keys the sync uses (src/chatwoot/README.md, chatwoot.md §4 "Filter"):
 *
 *   {"payload": [{"attribute_key": "email"|"phone_number"|"identifier", "filter_operator": "equal_to",
 *                 "values": ["..."], "query_operator": null|"and"|"or"}, ...]}
 *
 * email and identifier compare case-insensitively; phone_number compares the value normalised to
 * `+<digits>`. Only resolved contacts (with an email, phone or identifier), 15 a page, `meta.count` is the
 * total. Any other key or operator answers 422 here (the real API supports more; the fake refuses what it
 * does not model rather than answer wrongly).
 */
import express from 'express';
import { isResolved } from './queries';
import { apiContact } from './render';
import type { FakeChatwootState, FakeContact } from './state';

const PER_PAGE = 15;
const KEYS = ['email', 'phone_number', 'identifier'] as const;
type Key = (typeof KEYS)[number];

interface Condition {
  attribute_key: Key;
  values: string[];
  query_operator: 'and' | 'or' | null;
}

function parseConditions(body: unknown): Condition[] | null {
  const payload = (body as { payload?: unknown } | null)?.payload;
  if (!Array.isArray(payload) || payload.length === 0) return null;
  const out: Condition[] = [];
  for (const c of payload as Record<string, unknown>[]) {
    if (!KEYS.includes(c.attribute_key as Key) || c.filter_operator !== 'equal_to') return null;
    if (!Array.isArray(c.values) || !c.values.every((v) => typeof v === 'string')) return null;
    const op = c.query_operator ?? null;
    if (op !== null && op !== 'and' && op !== 'or') return null;
    out.push({ attribute_key: c.attribute_key as Key, values: c.values as string[], query_operator: op });
  }
  return out;
}

function matches(contact: FakeContact, c: Condition): boolean {
  const field = contact[c.attribute_key];
  if (field === null || field === '') return false;
  if (c.attribute_key === 'phone_number') {
    const digits = (v: string) => `+${v.replace(/\D/g, '')}`;
    return c.values.some((v) => digits(v) === digits(field));
  }
  return c.values.some((v) => v.toLowerCase() === field.toLowerCase());
}

export function contactFilterRoutes(state: FakeChatwootState): express.Router {
  const router = express.Router({ mergeParams: true });
  router.post('/contacts/filter', express.json(), (req, res) => {
    const conditions = parseConditions(req.body);
    if (!conditions) return res.status(422).json({ error: 'Invalid attribute key or operator' });
    const page = Math.max(1, Number(req.query.page ?? 1) || 1);
    const found = [...state.contacts.values()].filter(isResolved).filter((contact) => {
      // Left to right, each condition's query_operator joining it to the next (filter_service.rb).
      let result = matches(contact, conditions[0]!);
      for (let i = 1; i < conditions.length; i++) {
        const next = matches(contact, conditions[i]!);
        result = conditions[i - 1]!.query_operator === 'and' ? result && next : result || next;
      }
      return result;
    });
    found.sort((a, b) => a.id - b.id);
    res.json({
      meta: { count: found.length, current_page: String(page) },
      payload: found.slice((page - 1) * PER_PAGE, page * PER_PAGE).map((c) => apiContact(c)),
    });
  });
  return router;
}
