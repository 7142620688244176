import { DEFAULT_RECONCILE_SCHEDULE, parseReconcileSchedule } from '../../src/reconcile/schedule-spec';

describe('RECONCILE_SCHEDULE', () => {
  it('defaults to an hourly incremental pass and a daily full pass at 03:00 UTC', () => {
    expect(parseReconcileSchedule(DEFAULT_RECONCILE_SCHEDULE)).toEqual({
      incremental: { kind: 'interval', every: '1h', ms: 3_600_000 },
      full: { kind: 'cron', expression: '0 3 * * *' },
    });
  });

  it('"off" (any case) and an empty value disable both passes', () => {
    for (const v of ['off', 'OFF', ' ', ''])
      expect(parseReconcileSchedule(v)).toEqual({ incremental: null, full: null });
  });

  it('a bare interval or cron is the incremental pass alone', () => {
    expect(parseReconcileSchedule('30m')).toEqual({
      incremental: { kind: 'interval', every: '30m', ms: 1_800_000 },
      full: null,
    });
    expect(parseReconcileSchedule('*/15 * * * *')).toEqual({
      incremental: { kind: 'cron', expression: '*/15 * * * *' },
      full: null,
    });
  });

  it('either part may be off or left out', () => {
    expect(parseReconcileSchedule('incremental=off;full=1d')).toEqual({
      incremental: null,
      full: { kind: 'interval', every: '1d', ms: 86_400_000 },
    });
    expect(parseReconcileSchedule('full=0 2 * * 0')).toEqual({
      incremental: null,
      full: { kind: 'cron', expression: '0 2 * * 0' },
    });
  });

  it.each([
    ['10s', /at least 1m/],
    ['hourly', /interval such as 1h/],
    ['0 3 * *', /five-field cron/],
    ['weekly=1d', /"off", an interval or cron/],
    ['incremental=1h;full=soon', /full: must be an interval/],
  ])('rejects %j', (value, message) => {
    expect(() => parseReconcileSchedule(value)).toThrow(message);
  });
});
