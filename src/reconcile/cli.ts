/**
 * `reconcile --connection <id> [--full]`: starts a reconciliation pass now and follows it, printing
 * progress until it ends. Talks to Temporal directly (TEMPORAL_ADDRESS, or the embedded dev server
 * of a running `start` on TEMPORAL_DEV_PORT). One manual pass per connection and mode at a time: a
 * second `reconcile` while one runs follows the running one. Ctrl-C stops following, not the pass.
 */
import { parseArgs } from 'node:util';
import type { AppConfig } from '../config/schema';
import { reconcileProgressQuery, type ReconcileMode, type ReconcileProgress } from '../../workflows/reconcile-api';
import { startReconcile } from '../ops/runs';
import { commandConnection, openCliClient } from '../temporal/cli-client';

interface Out {
  log(line: string): void;
  error(line: string): void;
}

export interface ReconcileCommandOptions {
  out?: Out;
  /** How often progress is polled (default 1 s). */
  pollMs?: number;
}

export async function runReconcileCommand(
  argv: string[],
  config: AppConfig,
  opts: ReconcileCommandOptions = {},
): Promise<number> {
  const out = opts.out ?? { log: console.log, error: console.error };
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { connection: { type: 'string' }, full: { type: 'boolean', default: false } },
      strict: true,
    }).values;
  } catch (err) {
    out.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
  const target = commandConnection('reconcile', config, args.connection);
  if ('error' in target) {
    out.error(target.error);
    return 2;
  }
  const { connectionId } = target;
  const mode: ReconcileMode = args.full ? 'full' : 'incremental';

  const { client, close } = await openCliClient(config);
  try {
    const { workflowId, started } = await startReconcile(
      client,
      config.temporal.taskQueue,
      connectionId,
      mode,
      'the CLI',
    );
    if (started) out.log(`Started ${mode} reconciliation of "${connectionId}" (workflow ${workflowId}).`);
    else
      out.log(
        `A ${mode} reconciliation of "${connectionId}" is already running (workflow ${workflowId}): following it.`,
      );
    out.log('Ctrl-C stops following; the pass goes on.');

    const handle = client.workflow.getHandle(workflowId);
    const result = handle.result() as Promise<ReconcileProgress>;
    let finished = false;
    void result.then(
      () => (finished = true),
      () => (finished = true),
    );
    let last = '';
    while (!finished) {
      try {
        const line = formatProgress(await handle.query(reconcileProgressQuery));
        if (line !== last) out.log(line);
        last = line;
      } catch {
        // Between runs (continue-as-new) or before the first task: ask again.
      }
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, opts.pollMs ?? 1_000))]);
    }
    const final = await result;
    if (final.skipped === 'connection_disabled') {
      out.log(`Nothing done: connection "${connectionId}" is disabled (enable it, then reconcile).`);
      return 0;
    }
    out.log(`Done. ${formatProgress(final)}`);
    return 0;
  } finally {
    await close();
  }
}

/** One progress line: ids and counts only. */
export function formatProgress(p: ReconcileProgress): string {
  const c = p.counts;
  const parts = [
    `${p.mode} pass, ${p.phase === 'done' ? 'finished' : `${p.phase} page ${p.page}`}`,
    `pages read ${c.pages}`,
    `contacts seen ${c.contactsSeen}, sent ${c.contactsSent}`,
    `conversations seen ${c.conversationsSeen}, sent ${c.conversationsSent}`,
  ];
  if (c.parkedLeft > 0) parts.push(`parked left alone ${c.parkedLeft}`);
  if (c.goneFound > 0) parts.push(`deleted in Chatwoot ${c.goneFound}`);
  // Absent in progress from runs started before this count existed.
  if ((c.krayinDeletedFound ?? 0) > 0) parts.push(`deleted in Krayin ${c.krayinDeletedFound}`);
  return parts.join(' | ');
}
