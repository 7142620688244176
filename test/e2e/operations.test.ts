/**
 * Operating the service, end to end: the admin API and the CLI on top of it (status, replay,
 * retry-parked, disable/enable), auth failures that park a connection and alert once, metrics, and
 * what must never leak (secrets in logs; emails, phones and names in workflow ids, search attributes
 * and metric labels).
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { request } from 'undici';
import { ADMIN_TOKEN, startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/harness';
import { contactEventBody, postWebhook, type ContactInput } from '../helpers/webhooks';

function person(id: number, extra: Partial<ContactInput> = {}): ContactInput {
  return {
    id,
    name: `Ops Person ${id}`,
    email: `ops.${id}@example.com`,
    phone_number: `+49151777${id}`,
    additional_attributes: { company_name: `Ops Company ${id}` },
    custom_attributes: {},
    ...extra,
  };
}

/** A local Slack-compatible incoming-webhook receiver that records what it got. */
async function slackReceiver(): Promise<{ url: string; messages: { text: string }[]; close(): Promise<void> }> {
  const messages: { text: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      messages.push(JSON.parse(body) as { text: string });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, messages, close: () => new Promise((r) => server.close(() => r())) };
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`not reached: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * No secret in the captured log lines, in any table of the store, or in the contacts' Temporal
 * histories (the Krayin token's secret half counts on its own); no contact email in the logs either.
 */
async function expectNoSecretsAnywhere(h: Harness, logLines: string[], contactIds: number[], emails: RegExp) {
  const logs = logLines.join('\n');
  expect(logs.length).toBeGreaterThan(0);
  const histories = await Promise.all(contactIds.map(async (id) => JSON.stringify(await h.handle(id).fetchHistory())));
  const places = { logs, store: await h.dumpStore(), histories: histories.join('\n') };
  const krayinSecret = h.krayin.token.split('|')[1]!;
  for (const [where, text] of Object.entries(places)) {
    for (const secret of [h.krayin.token, krayinSecret, h.chatwoot.apiToken, WEBHOOK_SECRET, ADMIN_TOKEN]) {
      expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
    }
  }
  expect(logs).not.toMatch(emails);
}

function cli(h: Harness, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
  const entry = path.resolve(__dirname, '../../src/cli.ts');
  return new Promise((resolve) => {
    execFile(
      tsx,
      [entry, ...args],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ADMIN_URL: h.ingestUrl, ADMIN_TOKEN },
        timeout: 60_000,
      },
      (err, stdout, stderr) =>
        resolve({
          code: err ? Number((err as { code?: number }).code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });
}

describe('admin API and CLI', () => {
  let h: Harness;
  const logLines: string[] = [];
  beforeAll(async () => {
    h = await startHarness({ sync: { leadPolicy: 'contact_created' }, logLines });
  });
  afterAll(() => h?.close());

  it('refuses calls without the admin token', async () => {
    const res = await request(`${h.ingestUrl}/admin/status`);
    expect(res.statusCode).toBe(401);
    expect(await res.body.json()).toEqual({ error: 'unauthorized', reason: 'missing_token' });
    const bad = await request(`${h.ingestUrl}/admin/status`, {
      headers: { authorization: 'Bearer nope-nope-nope-nope' },
    });
    expect(bad.statusCode).toBe(401);
    await bad.body.dump();
  });

  it('status counts syncs by SyncStatus; `status` prints them', async () => {
    await h.sendContact('contact_created', person(4001));
    await h.waitFor(4001, (s) => s.syncStatus === 'synced');
    const res = await h.admin('GET', '/admin/status');
    expect(res.status).toBe(200);
    expect(res.body.connections[0]).toMatchObject({ id: 'default', enabled: true, counts: { synced: 1, parked: 0 } });
    const out = await cli(h, ['status']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Connection default (enabled)');
    expect(out.stdout).toMatch(/synced 1\s/);
  });

  it('`replay --contact` re-runs a sync from current data and rewrites what was changed in Krayin', async () => {
    const personId = h.krayin.snapshot().persons.find((p) => JSON.stringify(p.emails).includes('ops.4001'))!.id;
    // Someone renamed the person in Krayin: the hash says "unchanged", a replay writes again.
    const { KrayinClient } = await import('../../src/krayin/client');
    const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    const p = (await api.getPerson(personId))!;
    await api.updatePerson(personId, {
      name: 'Renamed in Krayin',
      emails: p.emails ?? [],
      contact_numbers: p.contact_numbers ?? [],
    });
    await api.close();

    const out = await cli(h, ['replay', '--contact', '4001']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Replaying contact 4001');
    await h.waitFor(4001, (s) => s.syncCount >= 2 && s.status === 'idle');
    expect(h.krayin.snapshot().persons.find((x) => x.id === personId)!.name).toBe('Ops Person 4001');
  });

  it('`replay` of a contact Chatwoot does not have says "no such contact" and starts no workflow', async () => {
    const out = await cli(h, ['replay', '--contact', '999999']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('No such contact');
    expect(out.stdout).toBe('');
    expect(await h.admin('POST', '/admin/connections/default/contacts/999999/replay')).toEqual({
      status: 404,
      body: { error: 'not_found', reason: 'no_such_contact' },
    });
    await expect(h.status(999999)).rejects.toThrow(); // no workflow was started
    expect(await h.store.syncState.get('default', 999999)).toBeNull();
  });

  it('status shows a sync held up by an unreachable Krayin: pending, for how long, and which system is down', async () => {
    h.krayin.addFaults({ kind: 'down', forMs: 600_000 });
    try {
      await h.sendContact('contact_created', person(4007));
      await until(
        async () => (await h.store.syncState.get('default', 4007))?.status === 'pending',
        'the contact pending in the store',
      );
      const res = await h.admin('GET', '/admin/status');
      expect(res.body.connections[0]).toMatchObject({
        counts: { pending: 1 },
        oldestPendingSince: expect.any(String),
        oldestPendingAgeSeconds: expect.any(Number),
        reachability: { krayin: { ok: false, error: expect.any(String) }, chatwoot: { ok: true } },
      });
      const out = await cli(h, ['status']);
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/pending 1\s/);
      expect(out.stdout).toMatch(/oldest pending for \d+ s/);
      expect(out.stdout).toContain('Krayin: UNREACHABLE');
      expect(out.stdout).toContain('Chatwoot: reachable');
    } finally {
      h.krayin.clearFaults();
    }
    const healthy = await h.admin('GET', '/admin/status');
    expect(healthy.body.connections[0].reachability).toEqual({ krayin: { ok: true }, chatwoot: { ok: true } });
  });

  it('disable: webhooks are verified, answered 2xx, counted and held, start no sync; enable says so; catch-up delivers them', async () => {
    const off = await cli(h, ['disable']);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('Connection default is disabled since');

    // Still verified first: a forged delivery is refused even while disabled.
    const forged = await postWebhook(h.ingestUrl, 'default', contactEventBody('contact_created', person(4002)), {
      secret: 'not-the-secret',
    });
    expect(forged.status).toBe(401);
    const res = await h.sendContact('contact_created', person(4002), { deliveryId: 'held-4002' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'held', reason: 'connection_disabled', deliveryId: 'held-4002' });
    // Chatwoot fanning out the same delivery again: held once.
    await h.sendContact('contact_created', person(4002), { deliveryId: 'held-4002' });
    await expect(h.status(4002)).rejects.toThrow(); // no workflow was started
    expect((await cli(h, ['catch-up'])).stderr).toContain('409: connection_disabled');
    const status = await cli(h, ['status']);
    expect(status.stdout).toContain('held while disabled: 1 event(s) of 1 contact(s) (run catch-up)');

    const on = await cli(h, ['enable']);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('1 webhook(s) started no sync meanwhile. 1 event(s) of 1 contact(s) are held');
    expect(on.stdout).toContain('need a reconciliation');

    // Nothing was resent: catch-up hands the held event to the contact's workflow.
    const caughtUp = await cli(h, ['catch-up']);
    expect([caughtUp.code, caughtUp.stdout.trim()]).toEqual([
      0,
      'Delivered 1 held event(s) of connection default: their contacts sync now.',
    ]);
    await h.waitFor(4002, (s) => s.syncStatus === 'synced');
    expect((await h.status(4002)).eventsReceived).toBe(1);
    expect((await cli(h, ['catch-up'])).stdout).toContain('Delivered 0 held event(s)');
  });

  it('catch-up --discard drops what a disabled connection held', async () => {
    await cli(h, ['disable']);
    await h.sendContact('contact_created', person(4005));
    await cli(h, ['enable']);
    const discarded = await cli(h, ['catch-up', '--discard']);
    expect(discarded.stdout.trim()).toBe('Discarded 1 held event(s) of connection default.');
    // Malformed requests are refused with a reason and change nothing.
    await cli(h, ['disable']);
    await h.sendContact('contact_created', person(4006));
    await cli(h, ['enable']);
    expect(await h.admin('POST', '/admin/connections/default/catch-up', { discard: 'yes' })).toEqual({
      status: 400,
      body: { error: 'bad_request', reason: 'the only option is {"discard": true}' },
    });
    expect((await h.admin('POST', '/admin/connections/nope/catch-up', {})).body).toEqual({
      error: 'not_found',
      reason: 'unknown_connection',
    });
    expect(await h.store.heldEvents.count('default')).toEqual({ events: 1, contacts: 1 });
    await expect(h.status(4006)).rejects.toThrow();
    expect((await h.admin('POST', '/admin/connections/default/catch-up', {})).status).toBe(202);
    await h.waitFor(4006, (s) => s.syncStatus === 'synced');
    expect(await h.store.heldEvents.count('default')).toEqual({ events: 0, contacts: 0 });
    await expect(h.status(4005)).rejects.toThrow();
  });

  it('never logs or stores a secret', async () => {
    await expectNoSecretsAnywhere(h, logLines, [4002], /ops\.\d+@example\.com/);
  });
});

describe('a Krayin token that stops working', () => {
  it('parks the connection with one alert, stops calling Krayin, and resumes after the fix with retry-parked', async () => {
    const slack = await slackReceiver();
    const logLines: string[] = [];
    const h = await startHarness({
      sync: { leadPolicy: 'contact_created' },
      service: { notifications: { slack: { webhookUrl: slack.url } }, health: { authProbeIntervalMs: 1_000 } },
      logLines,
    });
    try {
      h.krayin.addFaults({ kind: 'status', status: 401, forMs: 600_000 });
      await h.sendContact('contact_created', person(4101));
      const first = await h.waitFor(4101, (s) => s.syncStatus === 'parked');
      expect(first.parkReason?.kind).toBe('auth');
      await until(() => slack.messages.length >= 1, 'the auth alert');

      // Other contacts park at once, without sending their data to a Krayin that refuses us.
      const before = h.krayinCalls().filter((c) => c.path !== '/get').length;
      await h.sendContact('contact_created', person(4102));
      await h.sendContact('contact_created', person(4103));
      await h.waitFor(4102, (s) => s.syncStatus === 'parked');
      await h.waitFor(4103, (s) => s.syncStatus === 'parked');
      expect(h.krayinCalls().filter((c) => c.path !== '/get').length).toBe(before);
      expect(slack.messages).toHaveLength(1); // once, not once per contact
      expect(slack.messages[0]!.text).toContain('Krayin rejects the API token');
      expect(slack.messages[0]!.text).not.toContain(h.krayin.token);

      // The token works again (here: the fault ends): the probe notices and says so.
      h.krayin.clearFaults();
      await until(
        () => slack.messages.some((m) => /resolved|accepts the API token again/i.test(m.text)),
        'the recovery message',
      );

      const res = await h.admin('POST', '/admin/connections/default/retry-parked', { reason: 'auth' });
      expect(res).toEqual({ status: 202, body: expect.objectContaining({ resumed: 3, reason: 'auth' }) });
      for (const id of [4101, 4102, 4103]) await h.waitFor(id, (s) => s.syncStatus === 'synced');
      expect(h.krayin.snapshot().persons).toHaveLength(3);
      expect(h.krayin.snapshot().leads).toHaveLength(3);
      // A run full of 401s and parks: still no secret in the logs, the store or Temporal history.
      await expectNoSecretsAnywhere(h, logLines, [4101, 4102, 4103], /ops\.\d+@example\.com/);
    } finally {
      await h.close();
      await slack.close();
    }
  });
});

describe('a contact parked by a Krayin 422', () => {
  it('alerts once for the kind, is resumed by `retry-parked --reason`, and the alert clears', async () => {
    const slack = await slackReceiver();
    const logLines: string[] = [];
    const h = await startHarness({
      sync: { fieldMap: { person: { cw_member_no: 'custom_attributes.member_no' } }, leadPolicy: 'never' },
      service: { notifications: { slack: { webhookUrl: slack.url } } },
      logLines,
    });
    try {
      h.krayin.addAttribute({
        entity_type: 'persons',
        code: 'cw_member_no',
        name: 'Member no',
        type: 'text',
        is_unique: true,
      });
      const member = (id: number, no: string) =>
        person(id, { additional_attributes: {}, custom_attributes: { member_no: no } });
      await h.sendContact('contact_created', member(4201, 'M-1'));
      await h.waitFor(4201, (s) => s.syncStatus === 'synced');
      // Two contacts with a member number Krayin already has: both park, one alert.
      await h.sendContact('contact_created', member(4202, 'M-1'));
      await h.sendContact('contact_created', member(4203, 'M-1'));
      await h.waitFor(4202, (s) => s.syncStatus === 'parked');
      await h.waitFor(4203, (s) => s.syncStatus === 'parked');
      await until(() => slack.messages.length >= 1, 'the parked alert');
      expect(slack.messages[0]!.text).toContain('Contact syncs parked: validation');
      const status = await cli(h, ['status']);
      expect(status.stdout).toMatch(/parked 2 {2}failed 0\n {2}oldest parked since \d{4}-\d\d-\d\dT/);

      // One is fixed by new data: the other is still parked, so no recovery message yet.
      await h.sendContact('contact_updated', member(4202, 'M-2'));
      await h.waitFor(4202, (s) => s.syncStatus === 'synced');
      await new Promise((r) => setTimeout(r, 500));
      expect(slack.messages).toHaveLength(1);

      // The other is fixed in Chatwoot without a webhook: only an operator can resume it, by kind.
      h.chatwoot.upsertContact(member(4203, 'M-3'));
      const wrongKind = await cli(h, ['retry-parked', '--reason', 'auth']);
      expect(wrongKind.stdout.trim()).toBe('Resumed 0 parked sync(s) of connection default (reason auth).');
      expect((await h.status(4203)).syncStatus).toBe('parked');
      const resumed = await cli(h, ['retry-parked', '--reason', 'validation']);
      expect(resumed.stdout.trim()).toBe('Resumed 1 parked sync(s) of connection default (reason validation).');
      await h.waitFor(4203, (s) => s.syncStatus === 'synced');
      await until(() => slack.messages.length >= 2, 'the recovery message');
      expect(slack.messages[1]!.text).toMatch(/No contact sync of this connection is parked for validation any more/);
      expect(JSON.stringify(slack.messages)).not.toMatch(/ops\.42\d\d@example\.com|Ops Person/);
      await expectNoSecretsAnywhere(h, logLines, [4201, 4202, 4203], /ops\.\d+@example\.com/);
    } finally {
      await h.close();
      await slack.close();
    }
  });
});

describe('metrics and PII', () => {
  it('expose webhooks, syncs and Krayin calls by outcome, and no email, phone or name anywhere in ids, search attributes or labels', async () => {
    const h = await startHarness({ sync: { leadPolicy: 'contact_created' } });
    try {
      const contacts = [person(4201), person(4202, { name: 'Zoë Ünicode-Name' })];
      for (const c of contacts) await h.sendContact('contact_created', c);
      for (const c of contacts) await h.waitFor(c.id, (s) => s.syncStatus === 'synced');
      const forged = await h.post('{"event":"contact_created","id":1}', {}); // signed with the right secret but invalid
      expect(forged.status).toBe(422);

      const unauth = await request(`${h.ingestUrl}/metrics`);
      expect(unauth.statusCode).toBe(401);
      await unauth.body.dump();
      const res = await request(`${h.ingestUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.statusCode).toBe(200);
      const text = await res.body.text();
      expect(text).toMatch(/cks_webhooks_total\{[^}]*connection="default"[^}]*outcome="accepted"[^}]*\} 2/);
      expect(text).toMatch(/cks_webhooks_total\{[^}]*outcome="rejected"[^}]*reason="schema_mismatch"[^}]*\} 1/);
      expect(text).toMatch(/cks_syncs_total\{[^}]*outcome="synced"[^}]*\} 2/);
      expect(text).toMatch(/cks_krayin_calls_total\{[^}]*endpoint="POST \/leads"[^}]*status="200"[^}]*\} 2/);
      expect(text).toMatch(/cks_parked_syncs\{connection="default"\} 0/);

      const pii = contacts.flatMap((c) => [c.email!, c.phone_number!, c.name!, c.phone_number!.slice(1)]);
      for (const value of pii) expect(text).not.toContain(value);
      for await (const wf of h.client.workflow.list({ query: `TaskQueue = "${h.config.temporal.taskQueue}"` })) {
        const visible = JSON.stringify({ id: wf.workflowId, attrs: wf.typedSearchAttributes.getAll() });
        for (const value of pii) expect(visible).not.toContain(value);
        expect(wf.workflowId).toMatch(/^contact:default:\d+$/);
      }
    } finally {
      await h.close();
    }
  });
});
