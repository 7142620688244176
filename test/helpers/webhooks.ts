/**
 * Webhook test helpers: fixture bytes, Chatwoot-style signed POSTs (src/chatwoot/README.md §4, computed over the
 * exact bytes sent), and contact_created/updated bodies for arbitrary contacts.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import type { ChatwootContact } from '../../src/chatwoot/contact';
import { signWebhook } from '../../src/chatwoot/signature';

/** ../shared/chatwoot-fixtures beside the project (override with CHATWOOT_FIXTURES_DIR). */
export const FIXTURES_DIR =
  process.env.CHATWOOT_FIXTURES_DIR ?? path.resolve(__dirname, '../../../shared/chatwoot-fixtures');

/** File names of every fixture, e.g. "contact_created.json". */
export function listFixtures(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** The raw bytes of a fixture; `name` with or without ".json". */
export function loadFixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES_DIR, name.endsWith('.json') ? name : `${name}.json`));
}

/** A fixture parsed, for tests that build variants (serialise them with `railsJson`). */
export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(loadFixture(name).toString('utf8')) as Record<string, unknown>;
}

/** ActiveSupport's to_json escaping (<, >, &, U+2028, U+2029 as \u escapes), so bodies look like Chatwoot's. */
export function railsJson(value: unknown): Buffer {
  const json = JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return Buffer.from(json, 'utf8');
}

export interface PostWebhookOptions {
  /** Sign with this secret (X-Chatwoot-Timestamp + X-Chatwoot-Signature); unsigned when absent. */
  secret?: string;
  /** Unix seconds for the signature; default now. */
  timestamp?: number;
  /** X-Chatwoot-Delivery; default a fresh UUID; null sends none. */
  deliveryId?: string | null;
  /** Extra or overriding headers; `undefined` removes one (e.g. content-type). */
  headers?: Record<string, string | undefined>;
}

export interface WebhookResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the raw text when the answer was not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export async function postWebhook(
  baseUrl: string,
  connection: string,
  rawBody: Buffer | string,
  opts: PostWebhookOptions = {},
): Promise<WebhookResponse> {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const headers: Record<string, string | undefined> = {
    'content-type': 'application/json',
    accept: 'application/json',
  };
  const deliveryId = opts.deliveryId === undefined ? randomUUID() : opts.deliveryId;
  if (deliveryId !== null) headers['x-chatwoot-delivery'] = deliveryId;
  if (opts.secret !== undefined) {
    const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
    headers['x-chatwoot-timestamp'] = String(ts);
    headers['x-chatwoot-signature'] = signWebhook(opts.secret, body, ts);
  }
  Object.assign(headers, opts.headers);
  const sent = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));

  const res = await request(`${baseUrl.replace(/\/+$/, '')}/webhooks/chatwoot/${connection}`, {
    method: 'POST',
    headers: sent,
    body,
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text so the test can show it
  }
  return { status: res.statusCode, headers: res.headers, body: parsed, text };
}

export type ContactInput = Partial<ChatwootContact> & { id: number };
export type AttributeChange = Record<string, { previous_value: unknown; current_value: unknown }>;

/**
 * A contact_created / contact_updated body in Chatwoot's `Contact#webhook_data` shape. For updates,
 * `changedAttributes` defaults to a real (non-noise) change: the name, plus updated_at as Chatwoot adds.
 */
export function contactEventBody(
  event: 'contact_created' | 'contact_updated',
  contact: ContactInput,
  opts: { accountId?: number; changedAttributes?: AttributeChange[] | null } = {},
): Buffer {
  const body: Record<string, unknown> = {
    account: { id: opts.accountId ?? 1, name: 'Acme Support' },
    additional_attributes: contact.additional_attributes ?? {},
    avatar: '',
    custom_attributes: contact.custom_attributes ?? {},
    email: contact.email ?? null,
    id: contact.id,
    identifier: contact.identifier ?? null,
    name: contact.name ?? '',
    phone_number: contact.phone_number ?? null,
    thumbnail: '',
    blocked: contact.blocked ?? false,
    event,
  };
  if (event === 'contact_updated') {
    const now = new Date().toISOString();
    body.changed_attributes =
      opts.changedAttributes === undefined
        ? [
            { name: { previous_value: '', current_value: body.name } },
            { updated_at: { previous_value: now, current_value: now } },
          ]
        : opts.changedAttributes;
  }
  return railsJson(body);
}
