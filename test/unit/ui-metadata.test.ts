import {
  activitySummaries,
  currentDetails,
  debounceTimerSummary,
  describeTrigger,
  formatDuration,
  idleCloseTimerSummary,
  workflowDetails,
  workflowSummary,
  type CurrentDetailsInput,
} from '../../workflows/ui-metadata';

describe('Temporal UI metadata texts', () => {
  it('says durations the way an operator would', () => {
    expect(formatDuration(300)).toBe('300ms');
    expect(formatDuration(2_000)).toBe('2s');
    expect(formatDuration(90_000)).toBe('1m 30s');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(3_661_000)).toBe('1h 1m');
    expect(formatDuration(2 * 86_400_000)).toBe('2d');
  });

  it('names timers by their purpose', () => {
    expect(debounceTimerSummary(2_000)).toBe('Wait 2s for more events (debounce)');
    expect(idleCloseTimerSummary(3_600_000)).toBe('Close after 1h idle');
  });

  it('names the workflow by ids only', () => {
    expect(workflowSummary('default', 42)).toBe('Contact 42 on connection default');
    expect(workflowDetails('default', 42)).toContain('Chatwoot contact **42** of connection `default`');
  });

  it('says which Krayin record each activity touches, and why', () => {
    expect(activitySummaries.syncPerson(42, null, false)).toBe('Find or create Krayin person for contact 42');
    expect(activitySummaries.syncPerson(42, null, true)).toBe('Find or create Krayin person (and lead) for contact 42');
    expect(activitySummaries.syncPerson(42, 12, true)).toBe('Update Krayin person 12 for contact 42');
    expect(activitySummaries.moveLeadStage(17, 3, 'first_agent_reply')).toBe(
      'Update Krayin lead 17 stage to 3 (first agent reply)',
    );
    expect(activitySummaries.syncConversation(87, null, 12)).toBe('Write conversation 87 to Krayin person 12 timeline');
    expect(activitySummaries.rememberConversations([3, 5])).toBe('Remember conversations 3, 5 for a later sync');
  });

  it('leaves agent-written label texts out of trigger descriptions', () => {
    expect(describeTrigger('label_added:jane.doe@example.com')).toBe('label added');
    expect(describeTrigger('priority:urgent')).toBe('priority urgent');
    expect(describeTrigger('conversation_resolved')).toBe('conversation resolved');
  });

  const base: CurrentDetailsInput = {
    connectionId: 'default',
    contactId: 42,
    phase: 'idle',
    syncStatus: 'synced',
    lastOutcome: { kind: 'synced', personId: 12, leadId: 17, organizationId: null, conversationsSynced: 1 },
    parkReason: null,
    krayin: { personId: 12, leadId: 17, organizationId: null },
    syncCount: 2,
    eventsReceived: 3,
    duplicatesIgnored: 1,
    pendingConversations: [],
  };

  it('shows status, last outcome, Krayin ids, counters and pending conversations as current details', () => {
    expect(currentDetails(base)).toBe(
      [
        '**Contact 42 on connection default: synced** (waiting for events)',
        '',
        '- Krayin: person 12, lead 17',
        '- Last outcome: synced, 1 conversation written',
        '- Pending conversations: none',
        '- Events received: 3 (1 duplicate delivery ignored); syncs: 2',
      ].join('\n'),
    );
  });

  it('shows the park reason on one line, its markup neutralised', () => {
    const text = currentDetails({
      ...base,
      syncStatus: 'parked',
      lastOutcome: { kind: 'parked', reason: { kind: 'validation', message: 'x' } },
      parkReason: {
        kind: 'validation',
        message: 'Krayin refused:\n# the **name** field is required',
        endpoint: 'POST /contacts/persons',
        fieldErrors: { name: ['required'] },
      },
      krayin: { personId: null, leadId: null, organizationId: null },
      pendingConversations: [9, 3],
    });
    expect(text).toContain(
      '- Park reason: validation at `POST /contacts/persons`: Krayin refused: \\# the \\*\\*name\\*\\* field is required (fields: name)',
    );
    expect(text).toContain('- Last outcome: parked (validation)');
    expect(text).toContain('- Krayin: not linked yet');
    expect(text).toContain('- Pending conversations: 3, 9');
  });
});
