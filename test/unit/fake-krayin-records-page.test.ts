/** The fake Krayin's /__fake/records page: everything escaped, Krayin's own system activities counted only. */
import { recordsPage } from '../fakes/krayin/records-page';
import type { FakeKrayinSnapshot } from '../fakes/krayin';

const activity = (id: number, type: string, comment: string | null) => ({
  id,
  type,
  title: null,
  comment,
  additional: null,
  schedule_from: null,
  schedule_to: null,
  is_done: 1,
  user_id: 1,
  location: null,
  lead_ids: [1],
  person_ids: [],
  participants: { users: [], persons: [] },
  created_at: '2026-01-01 00:00:00',
  updated_at: '2026-01-01 00:00:00',
});

describe('recordsPage', () => {
  it('escapes record text, shows comments as text and counts system activities without listing them', () => {
    const snapshot = {
      organizations: [],
      persons: [{ id: 1, name: '<script>alert(1)</script>', emails: [{ value: 'a@example.com', label: 'work' }] }],
      leads: [],
      activities: [
        activity(1, 'system', 'Person created'),
        activity(2, 'call', '<p><b>Customer wrote:</b> 5 &lt; 6</p>'),
      ],
    } as unknown as FakeKrayinSnapshot;
    const html = recordsPage(snapshot);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('a@example.com');
    expect(html).toContain('Customer wrote: 5 &#60; 6');
    expect(html).not.toContain('Person created');
    expect(html).toContain('Not shown: 1 system activities');
    expect(html).toContain('<h2>Organizations (0)</h2>');
  });
});
