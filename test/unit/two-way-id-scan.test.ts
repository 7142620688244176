/** The id scan's pure rules (src/two-way/id-scan.ts): when a pass is due, where it resumes, its figures, the wait. */
import { parsePollInterval, scanIntervalMs, twoWaySchema } from '../../src/config/two-way';
import {
  advancePass,
  newScanCursor,
  scanDue,
  scanRunKey,
  startPass,
  waitBeforeNextLoop,
  ZERO_FIGURES,
} from '../../src/two-way/id-scan';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-07T12:00:00.000Z');

describe('KRAYIN_SCAN_INTERVAL', () => {
  it('defaults to 1h, accepts off and intervals of at least 10s', () => {
    expect(scanIntervalMs(twoWaySchema.parse({}))).toBe(HOUR);
    expect(scanIntervalMs(twoWaySchema.parse({ scanInterval: 'off' }))).toBeNull();
    expect(scanIntervalMs(twoWaySchema.parse({ scanInterval: '30m' }))).toBe(30 * 60_000);
    expect(parsePollInterval('10s')).toBe(10_000);
    expect(() => twoWaySchema.parse({ scanInterval: '5s' })).toThrow(/at least 10s/);
    expect(() => twoWaySchema.parse({ scanInterval: 'hourly' })).toThrow(/interval/);
  });
});

describe('the scan pass', () => {
  it('is first due one interval after the poll started, then an interval after each pass started', () => {
    const c = newScanCursor(T0);
    expect(scanDue(c, HOUR, T0 + HOUR - 1)).toBe(false);
    expect(scanDue(c, HOUR, T0 + HOUR)).toBe(true);
    expect(scanDue(c, null, T0 + 10 * HOUR)).toBe(false);
    const started = startPass(c, T0 + HOUR + 5);
    expect(started).toMatchObject({ lastStartedAt: T0 + HOUR + 5, passes: 1 });
    expect(started.pass).toMatchObject({ number: 1, kind: 'person', page: 1, afterId: 0 });
    // Under way: due whatever the time, and starting it again changes nothing.
    expect(scanDue(started, HOUR, T0 + HOUR + 6)).toBe(true);
    expect(startPass(started, T0 + 2 * HOUR)).toBe(started);
  });

  it('resumes at the page a step stopped at, goes from persons to leads, and ends with its figures', () => {
    let c = startPass(newScanCursor(T0), T0);
    const figures = { scanned: 2000, handed: 1, deleted: 0, calls: 4 };
    c = advancePass(c, { page: 5, afterId: 2000, kindDone: false, figures }, T0 + 1);
    expect(c.pass).toMatchObject({ kind: 'person', page: 5, afterId: 2000, figures });
    c = advancePass(
      c,
      { page: 6, afterId: 2100, kindDone: true, figures: { ...figures, scanned: 100, calls: 2 } },
      T0 + 2,
    );
    expect(c.pass).toMatchObject({ kind: 'lead', page: 1, afterId: 0 });
    expect(c.pass!.figures).toEqual({ scanned: 2100, handed: 2, deleted: 0, calls: 6 });
    c = advancePass(
      c,
      { page: 2, afterId: 40, kindDone: true, figures: { ...ZERO_FIGURES, scanned: 40, deleted: 1, calls: 1 } },
      T0 + 3,
    );
    expect(c.pass).toBeNull();
    expect(c.last).toEqual({ scanned: 2140, handed: 2, deleted: 1, calls: 7, finishedAt: T0 + 3 });
    // The next pass is due an interval after this one started, not after it ended.
    expect(scanDue(c, HOUR, T0 + HOUR)).toBe(true);
  });

  it('keys the hand-overs of each pass apart', () => {
    expect(scanRunKey('run-1', 1)).not.toBe(scanRunKey('run-1', 2));
  });
});

describe('the wait before the next loop', () => {
  const idle = newScanCursor(T0);
  it('is the poll interval, cut short when the next pass is due earlier', () => {
    expect(waitBeforeNextLoop(60_000, idle, HOUR, T0)).toBe(60_000);
    expect(waitBeforeNextLoop(60_000, idle, HOUR, T0 + HOUR - 1000)).toBe(1000);
    expect(waitBeforeNextLoop(null, idle, HOUR, T0 + 10_000)).toBe(HOUR - 10_000);
  });
  it('is the poll interval alone with the scan off, and none while a pass is under way', () => {
    expect(waitBeforeNextLoop(60_000, idle, null, T0)).toBe(60_000);
    expect(waitBeforeNextLoop(null, idle, null, T0)).toBeNull();
    expect(waitBeforeNextLoop(60_000, startPass(idle, T0), HOUR, T0)).toBe(0);
  });
});
