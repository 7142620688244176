/**
 * Krayin calls per contact for the analytics (sync_events.krayin_calls). Each Krayin activity runs in a
 * scope (AsyncLocalStorage, like the call priority in src/krayin/priority.ts); the Krayin client's call
 * hook counts into it (src/runtime/connection-services.ts), and when the activity ends the count is
 * added to the contact's tally in the store, which the contact's next recorded step takes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Store } from '../store/types';

const scope = new AsyncLocalStorage<{ calls: number }>();

/** Counts one Krayin HTTP call into the running activity's scope (nothing outside one). */
export function countKrayinCall(): void {
  const tally = scope.getStore();
  if (tally) tally.calls += 1;
}

/** Runs `fn` counting the Krayin calls it makes; resolves its result and the count (also when it throws). */
export async function countingKrayinCalls<T>(
  fn: () => Promise<T>,
  onDone: (calls: number) => Promise<void>,
): Promise<T> {
  const tally = { calls: 0 };
  try {
    return await scope.run(tally, fn);
  } finally {
    await onDone(tally.calls);
  }
}

type ActivitySet = Record<string, (...args: never[]) => Promise<unknown>>;

/**
 * Wraps each activity of a Krayin set: the Krayin calls it makes for a contact (its input names
 * connectionId and contactId) go to that contact's tally. A failing tally write never fails the step.
 */
export function withKrayinCallTally<T extends ActivitySet>(
  set: T,
  store: Pick<Store, 'syncEvents'>,
  onError?: (err: unknown) => void,
): T {
  const wrapped: ActivitySet = {};
  for (const [name, fn] of Object.entries(set)) {
    wrapped[name] = (...args: never[]) => {
      const first = args[0] as unknown;
      const ref = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : {};
      const { connectionId, contactId } = ref;
      if (typeof connectionId !== 'string' || typeof contactId !== 'number') return fn(...args);
      return countingKrayinCalls(
        () => fn(...args),
        async (calls) => {
          if (calls === 0) return;
          try {
            await store.syncEvents.addKrayinCalls(connectionId, contactId, calls);
          } catch (err) {
            onError?.(err);
          }
        },
      );
    };
  }
  return wrapped as T;
}
