import {
  activityFactsOf,
  activityNoteHash,
  activityNoteText,
  activityTargetUrl,
  isSalesActivity,
  isWrittenBySync,
  scheduleText,
} from '../../src/two-way/activity-notes';
import type { KrayinActivity } from '../../src/krayin/api';

const call: KrayinActivity = {
  id: 28,
  title: 'Follow-up call',
  type: 'call',
  comment: 'Call Alice about the quote',
  additional: null,
  schedule_from: '2026-11-24T20:41:18.000000Z',
  schedule_to: '2026-11-24T21:11:18.000000Z',
  is_done: 0,
  location: null,
  user: { id: 2, name: 'Max Seller' },
  created_at: '2026-11-23T20:41:18.000000Z',
  updated_at: '2026-11-23T20:41:18.000000Z',
};

describe('Krayin activities as notes', () => {
  it("recognises the sync's own activities by their marker, as an object or JSON text", () => {
    expect(isWrittenBySync({ chatwoot: { conversation: 87, account: 1 } })).toBe(true);
    expect(isWrittenBySync('{"chatwoot":{"conversation":87,"account":1,"message":5}}')).toBe(true);
    expect(isWrittenBySync({ chatwootApp: { note: 'n-1', contact: 3 } })).toBe(true);
    expect(isWrittenBySync(null)).toBe(false);
    expect(isWrittenBySync({ attribute: 'Stage' })).toBe(false);
    expect(isWrittenBySync('not json')).toBe(false);
  });

  it('a sales activity is a call, meeting, lunch or note without our marker (not system, email or file)', () => {
    expect(isSalesActivity(call)).toBe(true);
    expect(isSalesActivity({ ...call, type: 'system' })).toBe(false);
    expect(isSalesActivity({ ...call, type: 'email' })).toBe(false);
    expect(isSalesActivity({ ...call, additional: { chatwoot: { conversation: 1, account: 1 } } })).toBe(false);
  });

  it('writes the note with the user, the title, the schedule in UTC, done or not, and the link', () => {
    const facts = activityFactsOf(call, activityTargetUrl('https://crm.example.com', { leadId: 42 }));
    expect(activityNoteText(facts, 'logged')).toBe(
      'Call logged in Krayin by Max Seller: Follow-up call\n2026-11-24 20:41-21:11 UTC, not done yet\nhttps://crm.example.com/admin/leads/view/42',
    );
    const note = activityFactsOf(
      { ...call, type: 'note', title: null, schedule_from: null, schedule_to: null, is_done: 1, user: null },
      activityTargetUrl('https://crm.example.com', { personId: 7 }),
    );
    expect(activityNoteText(note, 'updated')).toBe(
      'Note updated in Krayin\nhttps://crm.example.com/admin/contacts/persons/view/7',
    );
  });

  it('spells a schedule across days in full', () => {
    expect(scheduleText('2026-11-24T22:00:00Z', '2026-11-25T09:00:00Z')).toBe(
      '2026-11-24 22:00 - 2026-11-25 09:00 UTC',
    );
    expect(scheduleText(null, null)).toBeNull();
  });

  it('hashes what the note shows, salted per contact: an edit of the comment alone notes nothing new', () => {
    const url = 'https://crm.example.com/admin/leads/view/42';
    const base = activityNoteHash('default', 1, activityFactsOf(call, url));
    expect(activityNoteHash('default', 1, activityFactsOf({ ...call, comment: 'other' }, url))).toBe(base);
    expect(activityNoteHash('default', 1, activityFactsOf({ ...call, is_done: 1 }, url))).not.toBe(base);
    expect(activityNoteHash('default', 2, activityFactsOf(call, url))).not.toBe(base);
  });
});
