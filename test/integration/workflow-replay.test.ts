/**
 * Replay compatibility of the contact workflow with histories recorded by earlier versions of its code,
 * so a deploy does not break the runs that are open at the time (a nondeterminism error would stall
 * them). Histories are in fixtures/histories/ (binary protobuf `History`, as fetched from the dev server
after a real sync; JSON would need protobufjs' proto-JSON, which the SDK's copy fails on here):
 *
 * - `contact-sync-before-ui-metadata.binpb`: a contact with a conversation whose first agent reply moved
 *   its lead (two syncs, debounce and idle-close timers, every conversation step), recorded before the
 *   timers and activities had summaries. Adding user metadata must replay it unchanged.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/harness';

const HISTORIES = path.join(__dirname, 'fixtures/histories');

describe('contact workflow replay', () => {
  it.each(['contact-sync-before-ui-metadata.binpb'])('replays %s with the current code', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(path.join(HISTORIES, file)));
    expect(history.events?.length).toBeGreaterThan(20);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'contact:default:1042');
  });
});
