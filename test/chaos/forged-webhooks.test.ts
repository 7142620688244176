/**
 * Chaos 7: 1,000 generated malformed or forged webhooks (fast-check, fixed seed), interleaved with
 * valid webhooks for 20 real contacts.
 *
 * Every generated request is wrong in at least one way that ingest must catch before anything durable
 * happens: bad, missing or malformed signatures, signatures with another secret, stale or malformed
 * timestamps, valid signatures over mutated bodies, truncated or garbage JSON, invalid UTF-8, JSON that
 * is not an object, wrong types or missing keys in known events, bodies over the 1 MiB limit, wrong
 * content types and encodings, unknown connections and undecodable URLs, malformed delivery ids and
 * wrong methods. Forged bodies name the real contacts, so a leak would show up in their workflows.
 *
 * Property: each is answered with the exact 4xx its defect calls for (never 2xx, never 5xx), as JSON
 * `{error, reason}`; /healthz stays 200 throughout; and the valid traffic syncs exactly as it does
 * without the noise (compared with a baseline run of the same contacts on a clean harness: Krayin
 * state, per-contact Krayin requests, one event per contact).
 *
 * Reproduce a failure: the seed is fixed (SEED); fast-check prints the counterexample and its path.
 */
import fc from 'fast-check';
import { request } from 'undici';
import { signWebhook } from '../../src/chatwoot/signature';
import { CONNECTION, startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/harness';
import { contactEventBody, railsJson } from '../helpers/webhooks';
import { attributeRequests } from './helpers/attribution';
import {
  auditKrayin,
  chaosContact,
  chaosStoreEngine,
  conversationWebhook,
  countBy,
  reportFigures,
  settled,
  waitForAll,
  type ChaosContact,
} from './helpers/chaos';

const SEED = 20_260_620;
const RUNS = 1_000;
const VALID_CONTACTS = 20;
const NOISY_FIRST_ID = 50_600;
const BASELINE_FIRST_ID = 50_650;
const BODY_LIMIT = 1024 * 1024; // the default bodyLimit "1mb"

// ---------------------------------------------------------------------------------------------------
// Valid traffic

function validContacts(firstId: number): ChaosContact[] {
  return Array.from({ length: VALID_CONTACTS }, (_, i) =>
    chaosContact(
      firstId + i,
      i % 2 === 0 ? `Chaos Forged ${firstId + i} GmbH` : null,
      i % 3 === 0 ? { phone_number: `+4915177${String(firstId + i).padStart(6, '0')}` } : {},
    ),
  );
}

/** What the Krayin side looks like, with contact ids replaced by their index (baseline vs noisy). */
function normalized(h: Harness, contacts: ChaosContact[]) {
  const snap = h.krayin.snapshot();
  const ids = contacts.map((c) => String(c.id));
  const norm = (v: unknown) => ids.reduce((s, id, i) => s.split(id).join(`#${i}`), JSON.stringify(v));
  const contactOf = attributeRequests(contacts, snap);
  const perContact = contacts.map((c) =>
    h
      .krayinCalls()
      .filter((r) => contactOf(r) === c.id)
      .map((r) => `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/{id}')} ${norm(r.query)} -> ${r.status}`),
  );
  const orgName = (id: number | null) => snap.organizations.find((o) => o.id === id)?.name ?? null;
  const personEmail = (id: number | null) => JSON.stringify(snap.persons.find((p) => p.id === id)?.emails ?? null);
  return {
    persons: snap.persons
      .map((p) => norm({ name: p.name, emails: p.emails, phones: p.contact_numbers, org: orgName(p.organization_id) }))
      .sort(),
    organizations: snap.organizations.map((o) => norm(o.name)).sort(),
    leads: snap.leads
      .map((l) => norm({ title: l.title, stage: l.stage_code, person: personEmail(l.person_id) }))
      .sort(),
    perContact: perContact.map((calls) => calls.map((c) => norm(c))),
    audit: auditKrayin(snap, contacts, () => true),
  };
}

// ---------------------------------------------------------------------------------------------------
// Generated noise: plain data (printable counterexamples), turned into a request at send time.

type Sig =
  | { mode: 'valid' }
  | { mode: 'none' }
  | { mode: 'raw'; value: string }
  | { mode: 'secret'; secret: string }
  | { mode: 'random_hex'; hex: string };
type Ts = { mode: 'now' } | { mode: 'none' } | { mode: 'raw'; value: string } | { mode: 'offset'; seconds: number };
type Body =
  | { kind: 'event'; event: EventName; contact: number; mutation?: Mutation; padTo?: number }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: number[] }
  | { kind: 'truncated'; event: EventName; contact: number; keep: number }
  | { kind: 'bad_utf8'; event: EventName; contact: number; at: number; byte: number };
type Mutation = { path: string[]; value?: unknown; remove?: true };
type EventName = 'contact_created' | 'contact_updated' | 'conversation_created' | 'message_created';

interface NoiseCase {
  kind: string;
  method: string;
  /** Path segment after /webhooks/chatwoot/, as sent (already encoded). */
  connection: string;
  body: Body;
  /** What the signature covers when it differs from the body sent (a valid signature over another body). */
  signedBody?: Body;
  sig: Sig;
  ts: Ts;
  /** null: no Content-Type header. */
  contentType: string | null;
  headers: Record<string, string>;
  deliveryId?: string;
  expect: { status: number; reasons: string[] };
}

let contactsForNoise: ChaosContact[] = [];

function eventObject(event: EventName, contactIdx: number): Record<string, unknown> {
  const c = contactsForNoise[contactIdx]!;
  if (event === 'contact_created' || event === 'contact_updated') {
    return JSON.parse(contactEventBody(event, c).toString('utf8')) as Record<string, unknown>;
  }
  const ids = { contactId: c.id, conversationId: c.id + 1_000, messageId: c.id + 2_000 };
  return JSON.parse(conversationWebhook(event, ids).toString('utf8')) as Record<string, unknown>;
}

function applyMutation(obj: Record<string, unknown>, m: Mutation): void {
  let target = obj as Record<string, unknown>;
  for (const key of m.path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = m.path[m.path.length - 1]!;
  if (m.remove) delete target[last];
  else target[last] = m.value;
}

function bodyBytes(b: Body): Buffer {
  switch (b.kind) {
    case 'event': {
      const obj = eventObject(b.event, b.contact);
      if (b.mutation) applyMutation(obj, b.mutation);
      if (b.padTo !== undefined) {
        const base = railsJson(obj).length;
        obj.padding = 'x'.repeat(Math.max(0, b.padTo - base));
      }
      return railsJson(obj);
    }
    case 'text':
      return Buffer.from(b.text, 'utf8');
    case 'bytes':
      return Buffer.from(b.bytes);
    case 'truncated': {
      const full = railsJson(eventObject(b.event, b.contact));
      return full.subarray(0, Math.min(b.keep, full.length - 1));
    }
    case 'bad_utf8': {
      // A byte that is never valid UTF-8 (0xC0, 0xC1, 0xF5-0xFF), inside the first string value.
      const full = railsJson(eventObject(b.event, b.contact));
      const firstString = full.indexOf('":"') + 3;
      const at = firstString + (b.at % 4);
      return Buffer.concat([full.subarray(0, at), Buffer.from([b.byte]), full.subarray(at)]);
    }
  }
}

function materialize(c: NoiseCase, nowSec: number, run: number) {
  const body = bodyBytes(c.body);
  const signed = c.signedBody ? bodyBytes(c.signedBody) : body;
  const headers: Record<string, string> = { accept: 'application/json', ...c.headers };
  if (c.contentType !== null) headers['content-type'] = c.contentType;
  headers['x-chatwoot-delivery'] = c.deliveryId ?? `noise-${run}`;
  const tsValue = c.ts.mode === 'offset' ? String(nowSec + c.ts.seconds) : String(nowSec);
  if (c.ts.mode === 'now' || c.ts.mode === 'offset') headers['x-chatwoot-timestamp'] = tsValue;
  if (c.ts.mode === 'raw') headers['x-chatwoot-timestamp'] = c.ts.value;
  const hmac = (secret: string) => signWebhook(secret, signed, Number(tsValue));
  if (c.sig.mode === 'valid') headers['x-chatwoot-signature'] = hmac(WEBHOOK_SECRET);
  if (c.sig.mode === 'secret') headers['x-chatwoot-signature'] = hmac(c.sig.secret);
  if (c.sig.mode === 'raw') headers['x-chatwoot-signature'] = c.sig.value;
  if (c.sig.mode === 'random_hex') headers['x-chatwoot-signature'] = `sha256=${c.sig.hex}`;
  const sendBody = c.method === 'GET' ? undefined : body;
  return { path: `/webhooks/chatwoot/${c.connection}`, headers, body: sendBody };
}

const printable = (opts: { minLength?: number; maxLength?: number } = {}) =>
  fc.string({ unit: 'grapheme-ascii', ...opts });
const hex64 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
const contactIdx = fc.integer({ min: 0, max: VALID_CONTACTS - 1 });
const eventName = fc.constantFrom<EventName>(
  'contact_created',
  'contact_updated',
  'conversation_created',
  'message_created',
);
const validEvent = fc.record({ kind: fc.constant('event' as const), event: eventName, contact: contactIdx });

const notString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(printable({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);
const notId = fc.oneof(
  printable({ maxLength: 8 }),
  fc.integer({ min: -1_000_000, max: 0 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).filter((d) => !Number.isInteger(d)),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.nat(), { maxLength: 2 }),
);
const notObject = fc.oneof(
  printable({ maxLength: 8 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.nat(), { maxLength: 2 }),
);
const notNullableString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.nat(), { maxLength: 2 }));
const notEpoch = fc.oneof(
  printable({ maxLength: 10 }),
  fc.integer({ max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e9 }).filter((d) => !Number.isInteger(d)),
  fc.constant(null),
);
const notIso = fc.oneof(
  fc.integer(),
  fc.constant(null),
  printable({ maxLength: 12 }).filter((s) => !/^\d{4}-/.test(s)),
);

const set = (path: string[], value: fc.Arbitrary<unknown>) => value.map((v): Mutation => ({ path, value: v }));
const remove = (...paths: string[][]) => fc.constantFrom(...paths).map((path): Mutation => ({ path, remove: true }));

const contactMutation = fc.oneof(
  set(['id'], notId),
  fc.constantFrom('email', 'phone_number', 'identifier', 'name').chain((k) => set([k], notString)),
  fc.constantFrom('avatar', 'thumbnail').chain((k) => set([k], notNullableString)),
  set(['account'], notObject),
  set(['account', 'id'], notId),
  fc.constantFrom('additional_attributes', 'custom_attributes').chain((k) => set([k], notObject)),
  set(['blocked'], fc.oneof(printable({ maxLength: 5 }), fc.integer(), fc.constant(null))),
  set(['event'], fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.nat(), { maxLength: 2 }))),
  remove(
    ['id'],
    ['account'],
    ['avatar'],
    ['thumbnail'],
    ['email'],
    ['identifier'],
    ['name'],
    ['phone_number'],
    ['event'],
  ),
);
const changedAttributesMutation = fc.oneof(
  set(
    ['changed_attributes'],
    fc.oneof(
      printable({ maxLength: 8 }),
      fc.integer(),
      fc.dictionary(printable({ maxLength: 4 }), fc.integer(), { minKeys: 1, maxKeys: 2 }),
    ),
  ),
  set(
    ['changed_attributes'],
    fc.array(fc.oneof(fc.integer(), printable({ maxLength: 4 }), fc.constant(null)), { minLength: 1, maxLength: 3 }),
  ),
  set(
    ['changed_attributes'],
    fc.constantFrom<unknown>(
      [{}],
      [{ name: { previous_value: 'a', current_value: 'b' }, email: { previous_value: 'a', current_value: 'b' } }],
      [{ name: 5 }],
      [{ name: 'b' }],
    ),
  ),
  remove(['changed_attributes']),
);
const conversationMutation = fc.oneof(
  set(['id'], notId),
  set(['inbox_id'], notId),
  set(
    ['status'],
    fc.oneof(
      printable({ maxLength: 8 }).filter((s) => !['open', 'resolved', 'pending', 'snoozed'].includes(s)),
      fc.integer(),
      fc.constant(null),
    ),
  ),
  set(
    ['channel'],
    fc.oneof(
      printable({ maxLength: 12 }).filter((s) => !/^Channel::\w+$/.test(s)),
      fc.integer(),
    ),
  ),
  set(['messages'], fc.oneof(printable({ maxLength: 5 }), fc.integer(), fc.constant(null), fc.constant({}))),
  set(
    ['labels'],
    fc.oneof(printable({ maxLength: 5 }), fc.integer(), fc.array(fc.integer(), { minLength: 1, maxLength: 3 })),
  ),
  set(['can_reply'], fc.oneof(printable({ maxLength: 5 }), fc.integer(), fc.constant(null))),
  fc.constantFrom('created_at', 'timestamp', 'last_activity_at', 'waiting_since').chain((k) => set([k], notEpoch)),
  set(['meta'], notObject),
  set(['meta', 'sender', 'id'], notId),
  set(['unread_count'], fc.integer({ max: -1 })),
  remove(['id'], ['meta'], ['messages'], ['status'], ['channel'], ['created_at'], ['inbox_id']),
);
const messageMutation = fc.oneof(
  set(
    ['message_type'],
    fc.oneof(fc.constantFrom('activity', 'INCOMING', 'Incoming', 'note'), fc.integer(), fc.constant(null)),
  ),
  set(['conversation'], notObject),
  set(['conversation', 'id'], notId),
  set(['created_at'], notIso),
  set(['id'], notId),
  set(['private'], fc.oneof(printable({ maxLength: 5 }), fc.integer(), fc.constant(null))),
  remove(['conversation'], ['message_type'], ['id'], ['account'], ['inbox'], ['sender'], ['created_at']),
);
const wrongTypedEvent: fc.Arbitrary<Body> = fc
  .oneof(
    fc.record({
      event: fc.constantFrom<EventName>('contact_created', 'contact_updated'),
      contact: contactIdx,
      mutation: contactMutation,
    }),
    fc.record({
      event: fc.constant<EventName>('contact_updated'),
      contact: contactIdx,
      mutation: changedAttributesMutation,
    }),
    fc.record({
      event: fc.constant<EventName>('conversation_created'),
      contact: contactIdx,
      mutation: conversationMutation,
    }),
    fc.record({ event: fc.constant<EventName>('message_created'), contact: contactIdx, mutation: messageMutation }),
  )
  .map((b) => ({ kind: 'event' as const, ...b }));

/** A case with every other part valid: signed now with the right secret, JSON, known connection. */
const base = (kind: string, expectStatus: number, reasons: string[], over: Partial<NoiseCase> = {}) =>
  validEvent.map((body): NoiseCase => ({
    kind,
    method: 'POST',
    connection: CONNECTION,
    body,
    sig: { mode: 'valid' },
    ts: { mode: 'now' },
    contentType: 'application/json',
    headers: {},
    expect: { status: expectStatus, reasons },
    ...over,
  }));
const withBody = (kind: string, status: number, reasons: string[], body: fc.Arbitrary<Body>) =>
  fc.tuple(base(kind, status, reasons), body).map(([c, b]): NoiseCase => ({ ...c, body: b }));

const noise: fc.Arbitrary<NoiseCase> = fc.oneof(
  // signatures
  fc
    .tuple(base('bad_signature', 401, ['bad_signature']), hex64)
    .map(([c, hex]) => ({ ...c, sig: { mode: 'random_hex' as const, hex } })),
  fc
    .tuple(
      base('wrong_secret', 401, ['bad_signature']),
      printable({ minLength: 1, maxLength: 40 }).filter((s) => s !== WEBHOOK_SECRET),
    )
    .map(([c, secret]) => ({ ...c, sig: { mode: 'secret' as const, secret } })),
  base('missing_signature', 401, ['missing_signature'], { sig: { mode: 'none' } }),
  fc
    .tuple(
      base('malformed_signature', 401, ['malformed_signature', 'missing_signature']),
      fc.oneof(
        printable({ maxLength: 80 }),
        hex64.map((h) => `sha1=${h}`),
        hex64.map((h) => `SHA256:${h}`),
        hex64.map((h) => `sha256=${h.slice(1)}`),
        hex64.map((h) => `sha256=${h}0`),
        hex64.map((h) => `sha256=${h.slice(2)}zz`),
      ),
    )
    .filter(([, v]) => !/^sha256=[0-9a-fA-F]{64}$/.test(v.trim()))
    .map(([c, value]) => ({ ...c, sig: { mode: 'raw' as const, value } })),
  // timestamps
  base('missing_timestamp', 401, ['missing_timestamp'], { ts: { mode: 'none' } }),
  fc
    .tuple(
      base('malformed_timestamp', 401, ['malformed_timestamp', 'missing_timestamp']),
      fc.oneof(
        printable({ maxLength: 20 }).filter((s) => !/^\d{1,15}$/.test(s.trim())),
        fc.bigInt({ min: 10n ** 15n, max: 10n ** 20n }).map(String),
        fc.integer({ min: 1, max: 2e9 }).map((n) => `-${n}`),
        fc.integer({ min: 1, max: 2e9 }).map((n) => `${n}.5`),
      ),
    )
    .map(([c, value]) => ({ ...c, ts: { mode: 'raw' as const, value } })),
  fc
    .tuple(
      base('stale_timestamp', 401, ['stale_timestamp']),
      fc.oneof(fc.integer({ min: 310, max: 100_000_000 }), fc.integer({ min: -1_700_000_000, max: -310 })),
    )
    .map(([c, seconds]) => ({ ...c, ts: { mode: 'offset' as const, seconds } })),
  // a valid signature over another body
  fc
    .tuple(
      base('mutated_body', 401, ['bad_signature']),
      fc.oneof(
        contactMutation.map((mutation) => ({ mutation })),
        fc.constant({ mutation: { path: ['email'], value: 'attacker@example.com' } as Mutation }),
        fc.constant({ mutation: { path: ['custom_attributes'], value: { injected: true } } as Mutation }),
      ),
    )
    .map(([c, { mutation }]) => ({
      ...c,
      body: {
        kind: 'event' as const,
        event: 'contact_created' as const,
        contact: (c.body as { contact: number }).contact,
        mutation,
      },
      signedBody: {
        kind: 'event' as const,
        event: 'contact_created' as const,
        contact: (c.body as { contact: number }).contact,
      },
    })),
  // bodies
  withBody(
    'truncated_json',
    400,
    ['invalid_json'],
    fc.record({
      kind: fc.constant('truncated' as const),
      event: eventName,
      contact: contactIdx,
      keep: fc.nat({ max: 4_000 }),
    }),
  ),
  withBody(
    'garbage_body',
    400,
    ['invalid_json', 'not_an_object'],
    fc.oneof(
      fc
        .string({ unit: 'binary', maxLength: 200 })
        .filter((s) => !s.trim().startsWith('{'))
        .map((text) => ({ kind: 'text' as const, text })),
      fc
        .array(fc.integer({ min: 0, max: 255 }), { maxLength: 200 })
        .filter((b) => !Buffer.from(b).toString('latin1').trim().startsWith('{'))
        .map((bytes) => ({ kind: 'bytes' as const, bytes })),
    ),
  ),
  withBody(
    'invalid_utf8',
    400,
    ['invalid_json'],
    fc.record({
      kind: fc.constant('bad_utf8' as const),
      event: eventName,
      contact: contactIdx,
      at: fc.nat(),
      byte: fc.constantFrom(0xc0, 0xc1, 0xf5, 0xf8, 0xfe, 0xff),
    }),
  ),
  withBody(
    'not_an_object',
    400,
    ['not_an_object'],
    fc
      .jsonValue({ maxDepth: 2 })
      .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
      .map((v) => ({ kind: 'text' as const, text: JSON.stringify(v) })),
  ),
  withBody('wrong_types', 422, ['schema_mismatch'], wrongTypedEvent),
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        base('huge_body', 413, ['body_too_large']),
        fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT + 64 * 1024 }),
      )
      .map(([c, padTo]) => ({ ...c, body: { ...(c.body as Extract<Body, { kind: 'event' }>), padTo } })),
  },
  // transport
  fc
    .tuple(
      base('wrong_content_type', 415, ['content_type_not_json', 'charset_unsupported']),
      fc.oneof(
        fc.constantFrom(
          null,
          'text/plain',
          'text/json',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=chaos',
          'application/xml',
          'application/jsonp',
          'application/json+xml',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'application/json; charset="iso-8859-1"',
        ),
        printable({ minLength: 1, maxLength: 30 }).filter(
          (s) => !s.trim().toLowerCase().startsWith('application/') && s.trim() !== '',
        ),
      ),
    )
    .map(([c, contentType]) => ({ ...c, contentType })),
  fc
    .tuple(
      base('content_encoding', 415, ['content_encoding_unsupported']),
      fc.constantFrom('gzip', 'deflate', 'br', 'x-gzip', 'compress'),
    )
    .map(([c, enc]) => ({ ...c, headers: { 'content-encoding': enc } })),
  fc
    .tuple(
      base('unknown_connection', 404, ['unknown_connection']),
      fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_~-]{1,40}$/).filter((s) => s !== CONNECTION),
        fc.constantFrom('DEFAULT', 'Default', 'default ', 'default%20', 'default%00', 'de%66ault2'),
        fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
          .map(encodeURIComponent)
          .filter((s) => decodeURIComponent(s) !== CONNECTION && !/^\.{1,2}$/.test(s)),
      ),
    )
    .map(([c, connection]) => ({ ...c, connection: connection.replace(/ /g, '%20') })),
  fc
    .tuple(
      base('undecodable_url', 400, ['bad_request']),
      fc.constantFrom('%', '%zz', '%E0%A4%A', 'def%ault', '%C0%AF', '%ff'),
    )
    .map(([c, connection]) => ({ ...c, connection })),
  fc
    .tuple(
      base('malformed_delivery_id', 400, ['malformed_delivery_id']),
      fc.oneof(
        fc
          .tuple(
            fc.stringMatching(/^[A-Za-z0-9]{1,10}$/),
            fc.constantFrom(...' !"#$%&\'()*+,/;<=>?@[\\]^`{|}~'),
            fc.stringMatching(/^[A-Za-z0-9]{1,10}$/),
          )
          .map(([a, bad, b]) => `${a}${bad}${b}`),
        fc.stringMatching(/^[A-Za-z0-9]{129,160}$/),
        fc.tuple(fc.constantFrom('.', '-', '_', ':'), fc.stringMatching(/^[A-Za-z0-9]{1,10}$/)).map(([a, b]) => a + b),
      ),
    )
    .map(([c, deliveryId]) => ({ ...c, deliveryId })),
  fc
    .tuple(
      base('wrong_method', 405, ['method_not_allowed']),
      fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
    )
    .map(([c, method]) => ({ ...c, method })),
);

// ---------------------------------------------------------------------------------------------------

describe('chaos: 1,000 malformed or forged webhooks interleaved with valid traffic', () => {
  // The valid traffic alone, on a clean harness: what "exactly as without the noise" means. It runs
  // while the noise is sent to the other harness (they share nothing but this process).
  let baselineRun: Promise<ReturnType<typeof normalized>>;
  beforeAll(() => {
    baselineRun = (async () => {
      const h = await startHarness({ storeEngine: chaosStoreEngine(), sync: { leadPolicy: 'contact_created' } });
      try {
        const contacts = validContacts(BASELINE_FIRST_ID);
        for (const c of contacts) expect((await h.sendContact('contact_created', c)).status).toBe(202);
        await waitForAll(
          h,
          contacts.map((c) => c.id),
          settled(1),
        );
        return normalized(h, contacts);
      } finally {
        await h.close();
      }
    })();
    baselineRun.catch(() => undefined); // awaited (and reported) by the test
  });
  afterAll(() => baselineRun?.catch(() => undefined));

  it('every one is answered with its 4xx, healthz stays 200, the valid contacts sync exactly as without noise', async () => {
    const h = await startHarness({ storeEngine: chaosStoreEngine(), sync: { leadPolicy: 'contact_created' } });
    try {
      const contacts = validContacts(NOISY_FIRST_ID);
      contactsForNoise = contacts;
      for (const c of contacts) h.chatwoot.upsertContact(c);
      const byKind: Record<string, Record<string, number>> = {};
      const byReason: Record<string, number> = {};
      let runs = 0;
      let validSent = 0;
      let healthChecks = 0;
      const health = async () => {
        const res = await request(`${h.ingestUrl}/healthz`);
        await res.body.text();
        healthChecks++;
        return res.statusCode;
      };

      await fc.assert(
        fc.asyncProperty(noise, async (c) => {
          // Interleave: a valid webhook for the next real contact every 50 runs, and a health check.
          if (runs % (RUNS / VALID_CONTACTS) === 0 && validSent < VALID_CONTACTS) {
            const res = await h.sendContact('contact_created', contacts[validSent++]!);
            if (res.status !== 202) throw new Error(`valid webhook answered ${res.status}: ${res.text}`);
            if ((await health()) !== 200) throw new Error('healthz is not 200');
          }
          runs++;
          const req = materialize(c, Math.floor(Date.now() / 1000), runs);
          const res = await request(`${h.ingestUrl}${req.path}`, {
            method: c.method as 'POST',
            headers: req.headers,
            body: req.body,
          });
          const text = await res.body.text();
          (byKind[c.kind] ??= {})[res.statusCode] = (byKind[c.kind]![res.statusCode] ?? 0) + 1;
          let json: { error?: unknown; reason?: unknown } = {};
          try {
            json = JSON.parse(text) as typeof json;
          } catch {
            // asserted below
          }
          byReason[String(json.reason)] = (byReason[String(json.reason)] ?? 0) + 1;
          const reasonOk = c.expect.reasons.includes(String(json.reason));
          expect({ kind: c.kind, status: res.statusCode, reason: reasonOk ? json.reason : text.slice(0, 200) }).toEqual(
            {
              kind: c.kind,
              status: c.expect.status,
              reason: reasonOk ? json.reason : `one of ${c.expect.reasons.join(', ')}`,
            },
          );
          expect(res.statusCode >= 400 && res.statusCode < 500).toBe(true);
          expect(typeof json.error).toBe('string');
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      expect(await health()).toBe(200);
      expect(validSent).toBe(VALID_CONTACTS);

      const statuses = await waitForAll(
        h,
        contacts.map((c) => c.id),
        settled(1),
      );
      const noisy = normalized(h, contacts);
      const baseline = await baselineRun;
      const allStatuses = Object.values(byKind).reduce<Record<string, number>>((acc, m) => {
        for (const [s, n] of Object.entries(m)) acc[s] = (acc[s] ?? 0) + n;
        return acc;
      }, {});
      reportFigures('forged-webhooks', {
        seed: SEED,
        generated: runs,
        valid: validSent,
        byStatus: allStatuses,
        byKind: Object.fromEntries(
          Object.entries(byKind)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, Object.values(v).reduce((x, y) => x + y, 0)]),
        ),
        byReason: countBy(
          Object.entries(byReason).flatMap(([r, n]) => Array<string>(n).fill(r)),
          (r) => r,
        ),
        answered2xx: Object.entries(allStatuses)
          .filter(([s]) => s.startsWith('2'))
          .reduce((n, [, k]) => n + k, 0),
        answered5xx: Object.entries(allStatuses)
          .filter(([s]) => s.startsWith('5'))
          .reduce((n, [, k]) => n + k, 0),
        healthChecks,
        persons: noisy.audit.persons,
        leads: noisy.audit.leads,
        duplicates: noisy.audit.duplicates,
        losses: noisy.audit.losses,
        sameAsBaseline: JSON.stringify({ ...noisy, audit: null }) === JSON.stringify({ ...baseline, audit: null }),
      });

      // The valid traffic: exactly as without the noise, and not one forged event reached a workflow.
      expect(noisy.audit.lossDetails).toEqual([]);
      expect(noisy.audit.duplicates).toBe(0);
      expect(noisy.persons).toEqual(baseline.persons);
      expect(noisy.organizations).toEqual(baseline.organizations);
      expect(noisy.leads).toEqual(baseline.leads);
      expect(noisy.perContact).toEqual(baseline.perContact);
      for (const c of contacts) expect(statuses.get(c.id)?.eventsReceived).toBe(1);
    } finally {
      await h.close();
    }
  });
});
