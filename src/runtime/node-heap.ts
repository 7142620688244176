/**
 * The worker's memory ceiling (docs/performance.md, "The worker's memory"). V8 sizes a process's heap
 * limit from the machine's memory (about 4 GB on a 24 GB host) and, under a high allocation rate, lets
 * garbage grow toward it before a full collection: a 10,000-contact backfill reached 699 MB RSS with
 * 90 MB of live objects. A ceiling on the old generation makes V8 collect before that. The product's
 * launchers (`npm start`, `npm run worker`, `npm run ingest`, the Docker image) set DEFAULT_NODE_OPTIONS
 * unless NODE_OPTIONS is already set; test/unit/node-heap.test.ts checks they all carry this value.
 *
 * The ceiling is a hard limit: a live heap above it ends the process ("JavaScript heap out of memory").
 * So the worker watches its heap after each sampling interval and warns well before that, naming the
 * setting to raise.
 */
import { getHeapStatistics } from 'node:v8';
import type { Logger } from '../logging';

/** Old-generation ceiling in MB: about 2.8x the worker's live heap at 10,000 contacts (about 90 MB). */
export const DEFAULT_HEAP_MB = 256;
export const DEFAULT_NODE_OPTIONS = `--max-old-space-size=${DEFAULT_HEAP_MB}`;

/** Share of the heap limit in use, after which the worker warns (live data, not garbage: see below). */
export const HEAP_WARN_SHARE = 0.75;
const SAMPLE_MS = 30_000;
/** Consecutive samples over the share before warning: garbage alone rarely stays that high that long. */
const SAMPLES_BEFORE_WARNING = 4;
const WARN_EVERY_MS = 10 * 60_000;

export interface HeapSample {
  usedBytes: number;
  limitBytes: number;
}

/**
 * Whether a run of samples shows a heap that stays above the warning share: V8 collects garbage before
 * reaching its limit, so a heap that remains high across several samples minutes apart is live data.
 */
export function heapStaysHigh(samples: readonly HeapSample[], share = HEAP_WARN_SHARE): boolean {
  if (samples.length < SAMPLES_BEFORE_WARNING) return false;
  return samples.slice(-SAMPLES_BEFORE_WARNING).every((s) => s.usedBytes > s.limitBytes * share);
}

/** Logs the heap ceiling in force, then warns (at most every 10 min) while the heap stays near it. */
export function watchHeapCeiling(log: Logger): () => void {
  const limitMb = Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024);
  log.info({ heapLimitMb: limitMb }, 'V8 heap limit of this process (NODE_OPTIONS=--max-old-space-size=<MB> sets it)');
  const samples: HeapSample[] = [];
  let lastWarning = 0;
  const timer = setInterval(() => {
    const stats = getHeapStatistics();
    samples.push({ usedBytes: stats.used_heap_size, limitBytes: stats.heap_size_limit });
    if (samples.length > SAMPLES_BEFORE_WARNING) samples.shift();
    const now = Date.now();
    if (heapStaysHigh(samples) && now - lastWarning > WARN_EVERY_MS) {
      lastWarning = now;
      log.warn(
        {
          heapUsedMb: Math.round(stats.used_heap_size / 1024 / 1024),
          heapLimitMb: Math.round(stats.heap_size_limit / 1024 / 1024),
        },
        'the heap has stayed above 75% of its limit for 2 minutes: raise NODE_OPTIONS=--max-old-space-size before it runs out',
      );
    }
  }, SAMPLE_MS);
  timer.unref();
  return () => clearInterval(timer);
}
