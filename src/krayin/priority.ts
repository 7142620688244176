/**
 * The priority of the Krayin calls made inside one activity (budget-rules.ts, CallPriority), carried by
 * AsyncLocalStorage from the activity wrapper (activities/index.ts) down to the throttle, so no Krayin
 * client method needs a priority parameter. Outside any scope a call is live.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallPriority } from './budget-rules';

const scope = new AsyncLocalStorage<CallPriority>();

export function runWithKrayinPriority<T>(priority: CallPriority, fn: () => T): T {
  return scope.run(priority, fn);
}

export function currentKrayinPriority(): CallPriority {
  return scope.getStore() ?? 'live';
}

/**
 * Wraps each activity of a set so that an input carrying `priority: 'background'` runs its Krayin calls
 * at background priority (the contact workflow sets it on rounds made only of backfill events).
 */
export function withKrayinPriority<T extends Record<string, (...args: never[]) => Promise<unknown>>>(set: T): T {
  const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(set)) {
    wrapped[name] = (...args: never[]) => {
      const first: unknown = args[0];
      const background =
        typeof first === 'object' && first !== null && (first as { priority?: unknown }).priority === 'background';
      return background ? runWithKrayinPriority('background', () => fn(...args)) : fn(...args);
    };
  }
  return wrapped as T;
}
