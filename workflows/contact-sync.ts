/**
 * One workflow per Chatwoot contact (`contact:<connection>:<contactId>`).
 *
 * It serializes everything that happens to one contact, so contact_created, contact_updated and
 * conversation events arriving within milliseconds can never race into duplicate Krayin records,
 * while other contacts sync in parallel. The business process:
 *
 *   wait for an event -> let the burst settle (debounce) -> sync once (contact-steps.ts: plan ->
 *   organization -> person -> lead -> conversations) -> apply the outcome -> continue-as-new when due
 *
 * Failures that retrying cannot fix park the contact (visible as SyncStatus=parked with the reason)
 * until new data or a `retry` signal arrives. Other failures are retried by the activities' policies.
 * What the workflow knows between rounds lives in ContactSyncState (contact-state.ts, pure).
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  agentActionSignal,
  contactEventSignal,
  retrySignal,
  statusQuery,
  type AgentAction,
  type ContactSyncInput,
  type SyncOutcome,
} from './api';
import { krayinChangedSignal } from './krayin-poll-api';
import { activityProxies } from './activity-proxies';
import { ContactSyncState, type Phase, type SyncWork } from './contact-state';
import { ACTIVITY_NOTES_PATCH, CRM_FACTS_PATCH, park, remember, syncContact, type StepContext } from './contact-steps';
import { parkOutcomeOf } from './failures';
import { currentSettings } from './live-settings';
import { currentDetails, debounceTimerSummary, idleCloseTimerSummary } from './ui-metadata';

/** Rounds made only of backfill events run their Krayin calls at background priority. */
const BACKFILL_PRIORITY_PATCH = 'backfill-background-priority';
/**
 * chatwoot-app-actions: what an agent asks for in the CRM panel (agentAction signal) runs between syncs.
 * Histories recorded before it hold no such signal, so they take the path they recorded.
 */
const AGENT_ACTIONS_PATCH = 'chatwoot-app-actions';
/**
 * chatwoot-app-create-lead: "Create lead" from the panel (plan the lead from Chatwoot, then ensureLead).
 * Histories of 'chatwoot-app-actions' hold only note and stage actions, so they replay unchanged.
 */
const AGENT_CREATE_LEAD_PATCH = 'chatwoot-app-create-lead';

/**
 * chatwoot-change-time: a contact_updated's own change time (its changed_attributes updated_at) is the
 * Chatwoot side's time for `newest` ownership, instead of the webhook's arrival. Histories recorded
 * before it took the arrival time for their conflicts and replay that way.
 */
const CHATWOOT_CHANGE_TIME_PATCH = 'chatwoot-change-time';

export async function contactSync(input: ContactSyncInput): Promise<SyncOutcome | null> {
  const { connectionId, contactId } = input;
  const ref = { connectionId, contactId };
  const state = ContactSyncState.fromCarried(ref, input.carried);

  setHandler(contactEventSignal, (event) => {
    // Asked only of events that carry a change time, so histories without one replay unmarked.
    const useChangedAt = event.changedAt !== undefined && patched(CHATWOOT_CHANGE_TIME_PATCH);
    if (state.onEvent(event, Date.now(), useChangedAt)) showDetails();
  });
  setHandler(retrySignal, () => state.onRetry(Date.now()));
  // Two-way sync: the Krayin poll's changes join this contact's other events (docs/two-way-sync.md).
  setHandler(krayinChangedSignal, (change) => {
    // A Krayin activity to note (CRM_ACTIVITY_NOTES) is no person or lead change.
    if (change.activity !== undefined) {
      if (patched(ACTIVITY_NOTES_PATCH)) state.onKrayinActivity(change.activity, Date.now());
      return;
    }
    if (state.onKrayinChange(change, Date.now(), patched(CRM_FACTS_PATCH))) showDetails();
  });
  setHandler(statusQuery, () => state.status());
  // The CRM panel's actions (src/chatwoot-app), run in arrival order between syncs.
  const agentActions: AgentAction[] = [];
  setHandler(agentActionSignal, (action) => void agentActions.push(action));

  // Timings come from the live config (live-settings.ts): at the start of the run, and again after
  // each wake but the first (which follows the start's read immediately).
  let settings = await currentSettings(input);
  let steps: StepContext = stepContext();
  let settingsFresh = true;

  for (;;) {
    enterPhase('idle');
    if (!(await waitForWork())) return state.outcome();
    if (agentActions.length > 0) {
      await runAgentActions();
      if (!state.hasWork()) continue;
    }

    enterPhase('waiting');
    if (settingsFresh) settingsFresh = false;
    else {
      settings = await currentSettings(input);
      steps = stepContext();
    }
    await letBurstSettle();

    enterPhase('syncing');
    const outcome = await syncOnce(state.takeWork());
    const updates = state.applyOutcome(outcome, new Date());
    if (updates.length > 0) upsertSearchAttributes(updates);
    showDetails();

    if (workflowInfo().continueAsNewSuggested && agentActions.length === 0) {
      await condition(allHandlersFinished);
      // Settings are not carried: the next run reads them live.
      await continueAsNew<typeof contactSync>({ connectionId, contactId, carried: state.toCarried() });
    }
  }

  function stepContext(): StepContext {
    state.twoWayOn = settings.twoWay === true;
    return {
      acts: activityProxies(settings.activityTimeoutMs, connectionId),
      ref,
      ...(settings.twoWay ? { twoWay: true } : {}),
    };
  }

  /** false: idle for `idleCloseMs`, so this run closes; the next event starts a new one (state reloads from the store). */
  async function waitForWork(): Promise<boolean> {
    const woke = await condition(() => state.hasWork() || agentActions.length > 0, settings.idleCloseMs, {
      summary: idleCloseTimerSummary(settings.idleCloseMs),
    });
    if (woke) return true;
    // A signal may have arrived with the timeout: let its handler finish, then look again.
    await condition(allHandlersFinished);
    return state.hasWork() || agentActions.length > 0;
  }

  /** The panel's actions; one that fails is dropped (the panel shows the lead as it is, the audit what ran). */
  async function runAgentActions(): Promise<void> {
    patched(AGENT_ACTIONS_PATCH);
    while (agentActions.length > 0) {
      const action = agentActions.shift()!;
      try {
        if (action.kind === 'add_note') {
          await steps.acts.krayin.addLeadNote({ connectionId, contactId, noteId: action.noteId, text: action.text });
        } else if (action.kind === 'create_lead') {
          if (patched(AGENT_CREATE_LEAD_PATCH)) await createLeadForAgent();
        } else {
          // anyStage: an agent CHATWOOT_DASHBOARD_APP_BACKWARD_MOVES allows (an input field only: replay-safe).
          await steps.acts.krayin.moveLeadForward({
            connectionId,
            contactId,
            stageId: action.stageId,
            ...(action.anyStage ? { anyStage: true } : {}),
          });
        }
      } catch {
        // Retried by the activity's policy already; a note Krayin refuses is not worth parking the contact.
      }
    }
  }

  /** "Create lead": the lead the sync would map, written by the sync's own find-or-create (ensureLead). */
  async function createLeadForAgent(): Promise<void> {
    let planned = await steps.acts.chatwoot.planAgentLead({ connectionId, contactId });
    if (planned.kind === 'needs_catalog') {
      const catalog = await steps.acts.krayin.fieldMapCatalog({ connectionId });
      planned = await steps.acts.chatwoot.planAgentLead({ connectionId, contactId, catalog });
    }
    if (planned.kind !== 'lead') return;
    // The stored person id is proven the contact's first (src/sync/ownership.ts): after a Krayin restore it
    // can name another customer's person, and a lead written onto it would land in their record.
    const person = await steps.acts.krayin.readPersonForTwoWay({ connectionId, contactId });
    if (person.kind !== 'person' || person.personId !== planned.personId) return;
    await steps.acts.krayin.ensureLead({ ...ref, personId: planned.personId, lead: planned.lead });
  }

  /** Trailing debounce: wait until no event arrived for `debounceMs`, but never longer than `maxDebounceMs`. */
  async function letBurstSettle(): Promise<void> {
    const startedAt = Date.now();
    for (;;) {
      const seen = state.lastEventAt;
      await sleep(settings.debounceMs, { summary: debounceTimerSummary(settings.debounceMs) });
      if (state.lastEventAt === seen || Date.now() - startedAt >= settings.maxDebounceMs) return;
    }
  }

  /** One round; a failure an activity could not retry away parks the contact (or marks it failed). */
  async function syncOnce(work: SyncWork): Promise<SyncOutcome> {
    const startedAt = new Date().toISOString();
    // A round made only of backfill events says so in its activities' input: its Krayin calls take what
    // live traffic leaves of the budget (src/krayin/budget-rules.ts). patched: a new marker command.
    const ctx: StepContext =
      work.background && patched(BACKFILL_PRIORITY_PATCH)
        ? { ...steps, ref: { ...steps.ref, priority: 'background' } }
        : steps;
    try {
      return await syncContact(ctx, state, work, startedAt);
    } catch (err) {
      await remember(steps, work.conversations);
      const { reason, status } = parkOutcomeOf(err);
      return await park(steps, reason, status, startedAt);
    }
  }

  function enterPhase(next: Phase): void {
    state.phase = next;
    showDetails();
  }

  /** The UI's "current details" of this run (setCurrentDetails is state, not a command: replay-safe). */
  function showDetails(): void {
    setCurrentDetails(currentDetails(state.details()));
  }
}
