import { formatAge, formatStatus } from '../../src/cli-admin';

describe('status output', () => {
  const base = {
    id: 'default',
    enabled: true,
    disabledSince: null,
    counts: { synced: 1, pending: 1, skipped: 0, parked: 0, failed: 0 },
    oldestParkedAt: null,
  };

  it('shows how long the oldest pending sync waits and which system does not answer', () => {
    const text = formatStatus({
      ...base,
      oldestPendingSince: '2026-01-01T10:00:00.000Z',
      oldestPendingAgeSeconds: 45,
      reachability: { krayin: { ok: false, error: 'KrayinTransientError: socket hang up' }, chatwoot: { ok: true } },
    });
    expect(text).toBe(
      [
        'Connection default (enabled)',
        '  synced 1  pending 1  skipped 0  parked 0  failed 0',
        '  oldest pending for 45 s (since 2026-01-01T10:00:00.000Z)',
        '  Krayin: UNREACHABLE (KrayinTransientError: socket hang up)',
        '  Chatwoot: reachable',
      ].join('\n'),
    );
  });

  it('says nothing about pending work or reachability the API did not report', () => {
    expect(formatStatus(base)).toBe(
      'Connection default (enabled)\n  synced 1  pending 1  skipped 0  parked 0  failed 0',
    );
  });

  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [60, '1 min 0 s'],
    [3_599, '59 min 59 s'],
    [3_600, '1 h 0 min'],
    [90_061, '25 h 1 min'],
  ])('formats %i seconds as "%s"', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text);
  });
});
