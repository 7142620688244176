/**
 * HintCoalescer: a burst of Krayin hints becomes at most one poll signal per window, the last change of a
 * burst is always followed by one, and only the first hint of a quiet period waits (bounded) for Temporal.
 */
import { HintCoalescer, HintTimeoutError, HintUnavailableError, mergeHints } from '../../src/ingest/hint-coalescer';
import type { PollHint } from '../../workflows/krayin-poll-api';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const persons: PollHint = { source: 'krayin-webhook', entity: 'persons' };
const leads: PollHint = { source: 'krayin-webhook', entity: 'leads' };

function recorder(behaviour: () => Promise<void> = async () => undefined) {
  const sent: Array<{ connectionId: string; hint: PollHint; at: number }> = [];
  const send = async (connectionId: string, hint: PollHint) => {
    sent.push({ connectionId, hint, at: Date.now() });
    await behaviour();
  };
  return { sent, send };
}

describe('HintCoalescer', () => {
  let coalescer: HintCoalescer | undefined;
  afterEach(() => coalescer?.close());

  it('signals the first hint at once and merges a burst into one trailing signal after the window', async () => {
    const r = recorder();
    coalescer = new HintCoalescer(r.send, { windowMs: 150, timeoutMs: 1_000, failureBackoffMs: 0 });
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => coalescer!.offer('a', i % 2 ? leads : persons)),
    );
    expect(outcomes[0]).toBe('signalled');
    expect(outcomes.slice(1).every((o) => o === 'coalesced')).toBe(true);
    expect(r.sent).toHaveLength(1);
    await sleep(250);
    expect(r.sent.map((s) => s.hint)).toEqual([persons, { source: 'krayin-webhook' }]);
    expect(r.sent[1]!.at - r.sent[0]!.at).toBeGreaterThanOrEqual(140);
    await sleep(250);
    expect(r.sent).toHaveLength(2);
  });

  it('keeps connections apart', async () => {
    const r = recorder();
    coalescer = new HintCoalescer(r.send, { windowMs: 1_000, timeoutMs: 1_000, failureBackoffMs: 0 });
    expect(await coalescer.offer('a', persons)).toBe('signalled');
    expect(await coalescer.offer('b', persons)).toBe('signalled');
    expect(await coalescer.offer('a', persons)).toBe('coalesced');
    expect(r.sent.map((s) => s.connectionId)).toEqual(['a', 'b']);
  });

  it('coalesces hints while a signal is in flight and sends them once it is done and the window passed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    const r = recorder(async () => {
      if (first) {
        first = false;
        await gate;
      }
    });
    coalescer = new HintCoalescer(r.send, { windowMs: 50, timeoutMs: 5_000, failureBackoffMs: 0 });
    const leading = coalescer.offer('a', persons);
    await sleep(100); // longer than the window, but the first signal is still in flight
    expect(await coalescer.offer('a', persons)).toBe('coalesced');
    expect(r.sent).toHaveLength(1);
    release();
    expect(await leading).toBe('signalled');
    await sleep(100);
    expect(r.sent).toHaveLength(2);
  });

  it('rejects the leading hint when the signal fails, and after the bound when it hangs', async () => {
    const failing = new HintCoalescer(async () => Promise.reject(new Error('UNAVAILABLE')), {
      windowMs: 10,
      timeoutMs: 1_000,
      failureBackoffMs: 0,
    });
    await expect(failing.offer('a', persons)).rejects.toThrow('UNAVAILABLE');
    failing.close();
    coalescer = new HintCoalescer(() => new Promise<void>(() => undefined), {
      windowMs: 10,
      timeoutMs: 100,
      failureBackoffMs: 0,
    });
    const started = Date.now();
    await expect(coalescer.offer('a', persons)).rejects.toBeInstanceOf(HintTimeoutError);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('after a failure, refuses hints at once for the backoff, then tries once more with them', async () => {
    let calls = 0;
    coalescer = new HintCoalescer(
      async () => {
        calls += 1;
        throw new Error('UNAVAILABLE');
      },
      { windowMs: 10, timeoutMs: 1_000, failureBackoffMs: 200 },
    );
    await expect(coalescer.offer('a', persons)).rejects.toThrow('UNAVAILABLE');
    const started = Date.now();
    await expect(coalescer.offer('a', leads)).rejects.toBeInstanceOf(HintUnavailableError);
    await expect(coalescer.offer('a', leads)).rejects.toBeInstanceOf(HintUnavailableError);
    expect(Date.now() - started).toBeLessThan(50);
    expect(calls).toBe(1);
    await sleep(300);
    expect(calls).toBe(2); // the trailing try with the refused hints
  });

  it('reports a failing trailing signal to onTrailingError (nobody waits for it)', async () => {
    let calls = 0;
    const errors: string[] = [];
    coalescer = new HintCoalescer(
      async () => {
        calls += 1;
        if (calls > 1) throw new Error('down');
      },
      {
        windowMs: 30,
        timeoutMs: 1_000,
        failureBackoffMs: 0,
        onTrailingError: (id, err) => errors.push(`${id}:${(err as Error).message}`),
      },
    );
    await coalescer.offer('a', persons);
    await coalescer.offer('a', persons);
    await sleep(100);
    expect(errors).toEqual(['a:down']);
  });
});

describe('mergeHints', () => {
  it('keeps an entity both hints share and drops one they do not', () => {
    expect(mergeHints(null, persons)).toEqual(persons);
    expect(mergeHints(persons, persons)).toEqual(persons);
    expect(mergeHints(persons, leads)).toEqual({ source: 'krayin-webhook' });
  });
});
