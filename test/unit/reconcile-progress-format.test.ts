import { ZERO_COUNTS } from '../../workflows/reconcile-api';
import { formatProgress } from '../../src/reconcile/cli';

describe('reconcile progress line', () => {
  it('shows the phase and page while running, counts only (no contact data)', () => {
    expect(
      formatProgress({
        connectionId: 'default',
        mode: 'full',
        phase: 'contacts',
        page: 3,
        counts: { ...ZERO_COUNTS, pages: 2, contactsSeen: 30, contactsSent: 4 },
      }),
    ).toBe('full pass, contacts page 3 | pages read 2 | contacts seen 30, sent 4 | conversations seen 0, sent 0');
  });

  it('adds parked and deleted counts only when there are some', () => {
    expect(
      formatProgress({
        connectionId: 'default',
        mode: 'incremental',
        phase: 'done',
        page: 1,
        counts: { ...ZERO_COUNTS, pages: 9, contactsSeen: 112, parkedLeft: 2, goneFound: 1 },
      }),
    ).toBe(
      'incremental pass, finished | pages read 9 | contacts seen 112, sent 0 | conversations seen 0, sent 0 | ' +
        'parked left alone 2 | deleted in Chatwoot 1',
    );
  });

  it('adds the records deleted in Krayin, and reads a progress from a run that predates that count', () => {
    const base = { connectionId: 'default', mode: 'full' as const, phase: 'krayin' as const, page: 2 };
    expect(formatProgress({ ...base, counts: { ...ZERO_COUNTS, pages: 4, krayinDeletedFound: 3 } })).toBe(
      'full pass, krayin page 2 | pages read 4 | contacts seen 0, sent 0 | conversations seen 0, sent 0 | deleted in Krayin 3',
    );
    const { krayinDeletedFound: _dropped, ...older } = ZERO_COUNTS;
    expect(formatProgress({ ...base, counts: older as typeof ZERO_COUNTS })).not.toMatch(/Krayin/);
  });
});
