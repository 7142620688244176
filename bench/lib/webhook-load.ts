/**
 * The load generator of bench:ingest, run in a worker thread so that building, signing and sending
 * requests does not share the ingest server's event loop (it still shares the machine's cores).
 *
 * closed loop: `concurrency` senders, each sending its next webhook when the previous answer arrived.
 * open loop:   webhook i is due at start + i / rate, whatever the answers do; latency counts from the
 *              time it was due, so a server that falls behind shows it (no coordinated omission).
 * Each webhook is a signed contact_created (new contacts) or contact_updated (existing ones), with a
 * fresh delivery id, sent over keep-alive connections (undici Pool).
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import { signWebhook } from '../../src/chatwoot/signature';
import { contactEventBody } from '../../test/helpers/webhooks';

export interface LoadSpec {
  url: string;
  connection: string;
  secret: string;
  kind: 'new' | 'existing';
  /** new: ids from here up; existing: ids drawn from [firstId, firstId + existingPool). */
  firstId: number;
  existingPool: number;
  loop: 'closed' | 'open';
  concurrency: number;
  rate: number;
  seconds: number;
}

export interface LoadResult {
  sent: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  /** Transport errors (no answer). */
  errors: number;
  /** Answer times of 2xx answers, ms. */
  latenciesMs: number[];
  elapsedS: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const origin = new URL(spec.url).origin;
  const path = `/webhooks/chatwoot/${spec.connection}`;
  const pool = new Pool(origin, { connections: spec.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const result: LoadResult = { sent: 0, statuses: {}, errors: 0, latenciesMs: [], elapsedS: 0 };
  let counter = 0;
  const nextBody = () => {
    const i = counter++;
    const id = spec.kind === 'new' ? spec.firstId + i : spec.firstId + (i % spec.existingPool);
    const event = spec.kind === 'new' ? 'contact_created' : 'contact_updated';
    return contactEventBody(event, { id, name: `Bench ${id}`, email: `bench-${id}@example.com` });
  };
  const send = async (dueAt: number) => {
    const body = nextBody();
    const ts = Math.floor(Date.now() / 1000);
    result.sent += 1;
    try {
      const res = await pool.request({
        method: 'POST',
        path,
        body,
        headers: {
          'content-type': 'application/json',
          'x-chatwoot-delivery': randomUUID(),
          'x-chatwoot-timestamp': String(ts),
          'x-chatwoot-signature': signWebhook(spec.secret, body, ts),
        },
      });
      await res.body.dump();
      const ms = performance.now() - dueAt;
      result.statuses[res.statusCode] = (result.statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode < 300) result.latenciesMs.push(ms);
    } catch {
      result.errors += 1;
    }
  };

  const started = performance.now();
  const endAt = started + spec.seconds * 1000;
  if (spec.loop === 'closed') {
    const sender = async () => {
      while (performance.now() < endAt) await send(performance.now());
    };
    await Promise.all(Array.from({ length: spec.concurrency }, sender));
  } else {
    const inFlight = new Set<Promise<void>>();
    const total = Math.round(spec.rate * spec.seconds);
    for (let i = 0; i < total; i++) {
      const dueAt = started + (i * 1000) / spec.rate;
      const wait = dueAt - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const p = send(dueAt).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  }
  result.elapsedS = (performance.now() - started) / 1000;
  await pool.close();
  return result;
}

if (parentPort) {
  run(workerData as LoadSpec).then(
    (r) => parentPort!.postMessage({ ok: true, result: r }),
    (err: unknown) => parentPort!.postMessage({ ok: false, error: String(err) }),
  );
}
