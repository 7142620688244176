/** The analytics page's period: ranges end today in the viewer's time zone; bad input falls back, saying why. */
import { addDays, choosePeriod, todayIn } from '../../src/analytics/period';
import { duration, percent } from '../../src/analytics/words';

const NOW = new Date('2026-03-10T03:30:00Z'); // March 9 in New York, March 10 in UTC

describe('choosePeriod', () => {
  it('ends the last N days today, in the chosen time zone', () => {
    expect(choosePeriod({ range: '7' }, NOW)).toMatchObject({
      from: '2026-03-04',
      to: '2026-03-11',
      last: '2026-03-10',
      timeZone: 'UTC',
      problem: null,
    });
    const ny = choosePeriod({ range: '7', tz: 'America/New_York' }, NOW);
    expect(ny).toMatchObject({ from: '2026-03-03', to: '2026-03-10', timeZone: 'America/New_York' });
    expect(ny.days).toHaveLength(7);
    expect(choosePeriod({}, NOW).days).toHaveLength(30);
  });

  it('takes chosen dates inclusive of the last day', () => {
    const p = choosePeriod({ range: 'dates', from: '2026-02-27', to: '2026-03-01' }, NOW);
    expect(p).toMatchObject({ range: 'dates', from: '2026-02-27', to: '2026-03-02', problem: null });
    expect(p.days).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });

  it('falls back to the last 30 days in UTC, saying why, for dates or zones it cannot use', () => {
    for (const q of [
      { range: 'dates', from: '2026-03-02', to: '2026-03-01' },
      { range: 'dates', from: 'yesterday', to: '2026-03-01' },
      { range: 'dates', from: '2024-01-01', to: '2026-03-01' },
    ]) {
      const p = choosePeriod(q, NOW);
      expect(p).toMatchObject({ range: '30', from: '2026-02-09', last: '2026-03-10' });
      expect(p.problem).toContain('showing the last 30 days');
    }
    const tz = choosePeriod({ tz: "UTC'; DROP TABLE x; --" }, NOW);
    expect(tz.timeZone).toBe('UTC');
    expect(tz.problem).toContain('not a time zone we know');
  });

  it('counts days across month ends, and today per zone', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(todayIn('Asia/Tokyo', NOW)).toBe('2026-03-10');
    expect(todayIn('America/Los_Angeles', NOW)).toBe('2026-03-09');
  });
});

describe('plain figures', () => {
  it('says durations and shares in words people read', () => {
    expect(duration(850)).toBe('850 ms');
    expect(duration(4230)).toBe('4.2 s');
    expect(duration(210_000)).toBe('3.5 min');
    expect(duration(null)).toBe('no data');
    expect(percent(1, 8)).toBe('12.5%');
    expect(percent(1, 5)).toBe('20%');
    expect(percent(0, 0)).toBe('no data');
  });
});
