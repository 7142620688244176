/**
 * Replay compatibility of the reconcile workflow with histories recorded by earlier versions of its code,
 * so a deploy does not break the passes that are running at the time. Histories are in fixtures/histories/,
 * recorded with test/helpers/record-reconcile-history.ts from a `git archive` of the older commit:
 *
 * - `reconcile-full-before-org-deletions.binpb` (commit 7192cef): a full pass whose krayin phase pages
 *   person ids (two pages, one missing person handled) and lead ids, then goes to the conversations.
 *   The current code pages organization ids after the leads only in runs that recorded the
 *   `reconcile-krayin-org-deletions` patch.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/harness';

const HISTORIES = path.join(__dirname, 'fixtures/histories');

describe('reconcile workflow replay', () => {
  it.each(['reconcile-full-before-org-deletions.binpb'])('replays %s with the current code', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(path.join(HISTORIES, file)));
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes);
    // The recording really is the old behaviour: no organization page between the leads and the conversations.
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name)).toEqual([
      'reconcileCheckpoint',
      'reconcileContactsPage',
      'reconcileLinkedAfter',
      'krayinLinkedMissing',
      'reconcileKrayinMissing',
      'krayinLinkedMissing',
      'krayinLinkedMissing',
      'reconcileConversationsPage',
      'reconcileCompletePass',
    ]);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'reconcile-full:default:manual');
  });
});
