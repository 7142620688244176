/**
 * The CRM panel's actions in Chatwoot (src/chatwoot-app), through the contact's workflow as the panel sends
 * them (agentAction): "Add note to the lead" becomes one Krayin note on the lead, with its text as sent and
 * our marker; "Move to stage" moves the lead forward and refuses to move it back. The end state is asserted
 * on any Krayin, fake or real (see ../helpers/flows.ts).
 */
import { TemporalDispatcher } from '../../../src/temporal/dispatcher';
import type { Flow } from '../helpers/flows';

export const PANEL_CONTACT = 9030;

const NOTE = 'Wants 20 seats before January & a call <b>back</b> (ÄÖÜ)';

export const panelActions: Flow = async (t) => {
  await t.h.sendContact('contact_created', {
    id: PANEL_CONTACT,
    name: 'Petra Panel',
    email: 'petra.panel.9030@example.com',
    additional_attributes: {},
    custom_attributes: {},
  });
  await t.h.waitFor(PANEL_CONTACT, (s) => s.syncStatus === 'synced' && s.status === 'idle', 90_000);
  const lead = (await t.view()).leads[0]!;
  expect(lead.stage_code).toBe('new');

  const pipelines = await t.sales((api) => api.listPipelines());
  const stages = pipelines.find((p) => p.stages.some((s) => s.code === 'new'))!.stages;
  const stageId = (code: string) => stages.find((s) => s.code === code)!.id;
  const panel = new TemporalDispatcher(t.h.client, t.h.config.temporal.taskQueue);
  const act = async (action: Parameters<TemporalDispatcher['agentAction']>[2], done: () => Promise<boolean>) => {
    await panel.agentAction('default', PANEL_CONTACT, action);
    const deadline = Date.now() + 90_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`panel action ${action.kind} not done`);
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  const notes = async () => (await t.view()).activities.filter((a) => a.title === 'Note from Chatwoot');
  await act({ kind: 'add_note', noteId: 'real-krayin-note-1', text: NOTE, requestedBy: 'test' }, async () => {
    return (await notes()).length > 0;
  });
  const [note] = await notes();
  expect(note).toMatchObject({ type: 'note', comment: NOTE, lead_ids: [lead.id] });

  const audit = async () => (await t.h.store.audit.list('default', PANEL_CONTACT, 50)).map((a) => a.action);
  // Done when the move is in Krayin AND recorded: the audit entry follows Krayin's answer, and counting
  // before it (a slow Krayin) would count the forward move as the backward one's.
  await act({ kind: 'move_stage', stageId: stageId('prospect'), requestedBy: 'test' }, async () => {
    const moved = (await t.view()).leads[0]!.stage_code === 'prospect';
    return moved && (await audit()).includes('chatwoot_app.stage_moved');
  });
  // Backwards is refused (forward only): the lead stays where it is.
  const movedBefore = (await audit()).filter((a) => a === 'chatwoot_app.stage_moved').length;
  await panel.agentAction('default', PANEL_CONTACT, {
    kind: 'move_stage',
    stageId: stageId('new'),
    requestedBy: 'test',
  });
  await t.h.waitFor(PANEL_CONTACT, (s) => s.status === 'idle', 60_000);
  await new Promise((r) => setTimeout(r, 2_000));
  expect((await t.view()).leads[0]!.stage_code).toBe('prospect');
  expect((await audit()).filter((a) => a === 'chatwoot_app.stage_moved')).toHaveLength(movedBefore);
  expect(await notes()).toHaveLength(1);
};
