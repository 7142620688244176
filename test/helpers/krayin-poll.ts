/**
 * The two-way sync's Krayin poll (`krayin-poll:<connection>`) as the e2e tests drive it: its status, a
 * poll now (what a Krayin webhook hint or the CLI asks for), and the wait for its first poll at start.
 */
import { krayinPollStatusQuery, type KrayinPollStatus } from '../../workflows/krayin-poll';
import { krayinPollWorkflowId, pollNowSignal } from '../../workflows/krayin-poll-api';
import { CONNECTION, type Harness } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface KrayinPollDriver {
  status(): Promise<KrayinPollStatus>;
  /** Asks the poll to run now without waiting for it (a hint). */
  hint(): Promise<void>;
  /** Asks the poll to run now and waits until it ran (its count restarts at continue-as-new: compared for change). */
  pollNow(): Promise<KrayinPollStatus>;
  /** Waits for the poll the worker started to have polled once (its first poll only sets the watermarks). */
  started(): Promise<void>;
}

export function krayinPollOf(h: Harness): KrayinPollDriver {
  const handle = () => h.client.workflow.getHandle(krayinPollWorkflowId(CONNECTION, h.config.temporal.taskQueue));
  const status = (): Promise<KrayinPollStatus> => handle().query(krayinPollStatusQuery);
  return {
    status,
    hint: () => handle().signal(pollNowSignal, { source: 'cli' }),
    async pollNow() {
      const before = (await status()).polls;
      await handle().signal(pollNowSignal, { source: 'cli' });
      const deadline = Date.now() + 60_000;
      let resignal = Date.now() + 10_000;
      for (;;) {
        const s = await status().catch(() => null);
        if (s && s.polls !== before) return s;
        if (Date.now() > deadline) throw new Error(`the poll did not run: ${JSON.stringify(s)}`);
        if (Date.now() > resignal) {
          await handle().signal(pollNowSignal, { source: 'cli' });
          resignal = Date.now() + 10_000;
        }
        await sleep(100);
      }
    },
    async started() {
      const deadline = Date.now() + 30_000;
      while ((await status().catch(() => ({ polls: 0 }))).polls < 1) {
        if (Date.now() > deadline) throw new Error('the Krayin poll did not start with the worker');
        await sleep(100);
      }
    },
  };
}
