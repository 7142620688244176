/**
 * `backfill --connection <id> [--since YYYY-MM-DD] [--conversations] [--dry-run]`: starts the backfill
 * of a connection (or re-attaches to the running one) and follows it with a live progress bar (a line
 * every few seconds when stdout is not a terminal). Ctrl-C detaches: the backfill goes on in the
 * service. `backfill --status` re-attaches; `backfill --cancel` stops it cleanly (contacts already
 * handed over finish their sync). Talks to Temporal directly, like `reconcile` (src/reconcile/cli.ts).
 */
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { AppConfig } from '../config/schema';
import {
  BACKFILL_OUTCOMES,
  backfillCancelSignal,
  backfillProgressQuery,
  type BackfillProgress,
} from '../../workflows/backfill-api';
import { backfillCommandWorkflowId, startBackfill } from '../ops/runs';
import { commandConnection, openCliClient } from '../temporal/cli-client';
import { sinceEpochSec } from './outcomes';

interface Out {
  log(line: string): void;
  error(line: string): void;
}

export interface BackfillCommandOptions {
  out?: Out;
  /** How often progress is polled (default 1 s). */
  pollMs?: number;
  /** Not a terminal: one progress line this often (default 5 s). */
  lineEveryMs?: number;
  /** Draw the progress bar (default: stdout is a TTY and no `out` was given). */
  tty?: boolean;
  /** Aborting it detaches (the CLI wires Ctrl-C to it; tests abort it directly). */
  detach?: AbortSignal;
}

export { backfillCommandWorkflowId };

export async function runBackfillCommand(
  argv: string[],
  config: AppConfig,
  opts: BackfillCommandOptions = {},
): Promise<number> {
  const out = opts.out ?? { log: console.log, error: console.error };
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        connection: { type: 'string' },
        since: { type: 'string' },
        conversations: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        status: { type: 'boolean', default: false },
        cancel: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
    sinceEpochSec(args.since);
  } catch (err) {
    out.error(`backfill: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const target = commandConnection('backfill', config, args.connection);
  if ('error' in target) {
    out.error(target.error);
    return 2;
  }
  const { connectionId } = target;
  const dryRun = args['dry-run'];

  const { client, close } = await openCliClient(config);
  try {
    const workflowId = backfillCommandWorkflowId(connectionId, config.temporal.taskQueue, dryRun);
    const handle = client.workflow.getHandle(workflowId);

    if (args.status || args.cancel) {
      const running = await isRunning(handle);
      if (running === null) {
        out.log(`No backfill of "${connectionId}" was started (workflow ${workflowId}).`);
        return 0;
      }
      if (!running) {
        out.log(`The last backfill of "${connectionId}" has ended.`);
        report(out, (await handle.result()) as BackfillProgress);
        return 0;
      }
      if (args.cancel) {
        await handle.signal(backfillCancelSignal);
        out.log(`Cancelling the backfill of "${connectionId}": contacts already handed over finish their sync first.`);
      } else out.log(`Re-attached to the backfill of "${connectionId}" (workflow ${workflowId}).`);
    } else {
      const { started } = await startBackfill(
        client,
        config.temporal.taskQueue,
        {
          connectionId,
          dryRun,
          conversations: args.conversations,
          ...(args.since === undefined ? {} : { since: args.since }),
        },
        'the CLI',
      );
      if (started)
        out.log(
          `Started ${dryRun ? 'a dry run of the backfill (nothing is written)' : 'the backfill'} of "${connectionId}" (workflow ${workflowId}).`,
        );
      else out.log(`A backfill of "${connectionId}" is already running (workflow ${workflowId}): following it.`);
    }
    out.log('Ctrl-C stops following; the backfill goes on (`backfill --status` re-attaches, `--cancel` stops it).');

    const followed = await follow(handle, out, opts);
    if (followed === 'detached') {
      out.log(`Detached. The backfill of "${connectionId}" goes on in the service; \`backfill --status\` re-attaches.`);
      return 0;
    }
    if (followed.skipped === 'connection_disabled') {
      out.log(`Nothing done: connection "${connectionId}" is disabled (enable it, then backfill).`);
      return 0;
    }
    report(out, followed);
    return 0;
  } finally {
    await close();
  }
}

/** null: never started; false: ended. */
async function isRunning(handle: WorkflowHandle): Promise<boolean | null> {
  try {
    return (await handle.describe()).status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** Follows the backfill until it ends (its result) or the caller detaches. */
async function follow(
  handle: WorkflowHandle,
  out: Out,
  opts: BackfillCommandOptions,
): Promise<BackfillProgress | 'detached'> {
  const result = handle.result() as Promise<BackfillProgress>;
  let finished = false;
  void result.then(
    () => (finished = true),
    () => (finished = true),
  );
  const detached = new Promise<void>((resolve) => {
    if (opts.detach?.aborted) resolve();
    opts.detach?.addEventListener('abort', () => resolve(), { once: true });
  });
  let isDetached = false;
  void detached.then(() => (isDetached = true));

  const tty = opts.tty ?? (opts.out === undefined && process.stdout.isTTY === true);
  const bar = tty
    ? new SingleBar(
        {
          format: 'Backfill |{bar}| {value}/{total} contacts | {rate}/min | ETA {eta_formatted} | {outcomes}',
          hideCursor: true,
          etaBuffer: 50,
        },
        Presets.shades_classic,
      )
    : null;
  let lastLine = 0;
  let started = false;
  try {
    while (!finished && !isDetached) {
      try {
        const p = await handle.query(backfillProgressQuery);
        if (bar) {
          const payload = { rate: p.ratePerMin, outcomes: formatCounts(p) };
          if (!started) bar.start(Math.max(1, p.total), p.done, payload);
          started = true;
          bar.setTotal(Math.max(1, p.total));
          bar.update(p.done, payload);
        } else if (Date.now() - lastLine >= (opts.lineEveryMs ?? 5_000)) {
          out.log(formatProgress(p));
          lastLine = Date.now();
        }
      } catch {
        // Between runs (continue-as-new) or before the first task: ask again.
      }
      await Promise.race([
        result.catch(() => undefined),
        detached,
        new Promise((r) => setTimeout(r, opts.pollMs ?? 1_000)),
      ]);
    }
  } finally {
    if (started) bar?.stop();
  }
  if (isDetached && !finished) return 'detached';
  return await result;
}

/** Counts by outcome, non-zero ones only. */
export function formatCounts(p: BackfillProgress): string {
  const c = p.counts;
  const parts = BACKFILL_OUTCOMES.filter((o) => c[o] > 0).map((o) => `${o} ${c[o]}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing done yet';
}

/** One progress line: ids and counts only. */
export function formatProgress(p: BackfillProgress): string {
  const eta = p.etaSeconds === null ? '?' : `${p.etaSeconds}s`;
  return `${p.dryRun ? 'dry run ' : ''}${p.done}/${p.total} contacts | ${p.ratePerMin}/min | ETA ${eta} | in flight ${p.inFlight} | ${formatCounts(p)}`;
}

/** The end: counts by outcome (and the dry run's plan, with examples). */
function report(out: Out, p: BackfillProgress): void {
  const c = p.counts;
  const head = p.dryRun ? 'Dry run finished: nothing was written. The plan:' : p.cancelled ? 'Cancelled.' : 'Done.';
  out.log(`${head} ${formatProgress(p)}`);
  const label: Record<string, string> = p.dryRun
    ? {
        created: 'would create a new Krayin person',
        linked: `would link to an existing Krayin person (by email ${c.linkedByEmail}, by phone ${c.linkedByPhone})`,
        updated: 'already linked, would be updated',
        unchanged: 'already in sync, nothing to do',
        skipped: 'would be skipped (no email, or by policy)',
        invalid: 'would fail validation',
        failed: 'parked or failed earlier, left alone',
      }
    : {
        created: 'created in Krayin',
        linked: `linked to an existing Krayin person (by email ${c.linkedByEmail}, by phone ${c.linkedByPhone})`,
        updated: 'updated',
        unchanged: 'already in sync',
        skipped: 'skipped (no email, or by policy)',
        invalid: 'parked: failed validation (see `status`, fix, `retry-parked`)',
        failed: 'failed (see `status`)',
      };
  for (const o of BACKFILL_OUTCOMES) {
    if (c[o] === 0) continue;
    out.log(`  ${String(c[o]).padStart(6)}  ${label[o]}`);
    for (const e of p.examples[o] ?? []) out.log(`            contact ${e.contactId}: ${e.reason}`);
  }
  if (!p.dryRun && c.conversationsSent > 0)
    out.log(`  ${String(c.conversationsSent).padStart(6)}  conversations handed over`);
}
