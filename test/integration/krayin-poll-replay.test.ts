/**
 * Replay compatibility of the Krayin poll workflow with histories recorded by earlier versions of its code,
 * so a deploy does not break the poll that runs for every two-way connection. Histories are in
 * fixtures/histories/, recorded with test/helpers/record-krayin-poll-history.ts from a `git archive` of the
 * older commit:
 *
 * - `krayin-poll-before-id-scan.binpb` (commit 70ce972): five polls 300 ms apart whose results also carry
 *   a 500 ms scan interval, then two-way sync off. The current code scans when a pass is due and waits at
 *   most until then only in runs that recorded the `two-way-id-scan` patch.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/harness';

const HISTORIES = path.join(__dirname, 'fixtures/histories');

describe('Krayin poll workflow replay', () => {
  it.each(['krayin-poll-before-id-scan.binpb'])('replays %s with the current code', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(path.join(HISTORIES, file)));
    const events = history.events ?? [];
    // The recording really is the old behaviour: polls and hand-overs only, a timer between polls.
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes);
    const names = scheduled.map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
    expect(names).toEqual([
      ...Array.from({ length: 5 }, () => ['pollKrayinChanges', 'handKrayinChanges']).flat(),
      'pollKrayinChanges',
    ]);
    expect(events.filter((e) => e.markerRecordedEventAttributes)).toHaveLength(0);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'krayin-poll:default');
  });
});
