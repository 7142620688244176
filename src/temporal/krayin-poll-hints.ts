/**
 * Asks a connection's Krayin poll to run now: signalWithStart by type name (the poll workflow is started
 * if it is not running), bounded by a gRPC deadline so a Krayin webhook never waits long on Temporal.
 * The workflow id, input and signal are the contract of workflows/krayin-poll-api.ts.
 */
import type { Client } from '@temporalio/client';
import {
  KRAYIN_POLL_WORKFLOW_TYPE,
  krayinPollWorkflowId,
  pollNowSignal,
  type KrayinPollInput,
  type PollHint,
} from '../../workflows/krayin-poll-api';
import { HINT_SIGNAL_TIMEOUT_MS, type KrayinPollHints } from '../ingest/krayin-hint-route';

export class TemporalKrayinPollHints implements KrayinPollHints {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly timeoutMs: number = HINT_SIGNAL_TIMEOUT_MS,
  ) {}

  async pollNow(connectionId: string, hint: PollHint): Promise<void> {
    const input: KrayinPollInput = { connectionId };
    await this.client.connection.withDeadline(Date.now() + this.timeoutMs, () =>
      this.client.workflow.signalWithStart(KRAYIN_POLL_WORKFLOW_TYPE, {
        workflowId: krayinPollWorkflowId(connectionId, this.taskQueue),
        taskQueue: this.taskQueue,
        args: [input],
        signal: pollNowSignal,
        signalArgs: [hint],
      }),
    );
  }
}
