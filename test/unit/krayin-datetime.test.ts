import {
  fromKrayinWallTime,
  krayinDateFromOutput,
  parseKrayinTimestamp,
  toKrayinDate,
  toKrayinWallTime,
} from '../../src/krayin/datetime';

describe('toKrayinWallTime', () => {
  it('converts an instant to IST wall time (UTC+5:30, no DST)', () => {
    expect(toKrayinWallTime(new Date('2030-02-01T04:30:00Z'), 'Asia/Kolkata')).toBe('2030-02-01 10:00:00');
    expect(toKrayinWallTime(new Date('2030-07-01T04:30:00Z'), 'Asia/Kolkata')).toBe('2030-07-01 10:00:00');
  });

  it('crosses the date line when the offset moves past midnight', () => {
    expect(toKrayinWallTime(new Date('2030-03-01T20:00:00Z'), 'Asia/Kolkata')).toBe('2030-03-02 01:30:00');
  });

  it('follows Europe/Berlin across both DST switches of 2030', () => {
    // CET (+1) until 2030-03-31 01:00Z, CEST (+2) until 2030-10-27 01:00Z.
    expect(toKrayinWallTime(new Date('2030-03-31T00:59:59Z'), 'Europe/Berlin')).toBe('2030-03-31 01:59:59');
    expect(toKrayinWallTime(new Date('2030-03-31T01:00:00Z'), 'Europe/Berlin')).toBe('2030-03-31 03:00:00');
    expect(toKrayinWallTime(new Date('2030-10-27T00:30:00Z'), 'Europe/Berlin')).toBe('2030-10-27 02:30:00');
    expect(toKrayinWallTime(new Date('2030-10-27T01:30:00Z'), 'Europe/Berlin')).toBe('2030-10-27 02:30:00');
  });

  it('follows America/New_York across DST (EST -5 / EDT -4)', () => {
    expect(toKrayinWallTime(new Date('2030-01-15T15:00:00Z'), 'America/New_York')).toBe('2030-01-15 10:00:00');
    expect(toKrayinWallTime(new Date('2030-07-15T14:00:00Z'), 'America/New_York')).toBe('2030-07-15 10:00:00');
    // 2030-03-10 02:00 EST jumps to 03:00 EDT.
    expect(toKrayinWallTime(new Date('2030-03-10T07:00:00Z'), 'America/New_York')).toBe('2030-03-10 03:00:00');
  });

  it('writes midnight as 00, never 24', () => {
    expect(toKrayinWallTime(new Date('2030-01-01T00:00:00Z'), 'UTC')).toBe('2030-01-01 00:00:00');
  });

  it('rejects an invalid date', () => {
    expect(() => toKrayinWallTime(new Date('nope'), 'UTC')).toThrow(RangeError);
  });
});

describe('fromKrayinWallTime', () => {
  it.each([
    ['2030-02-01 10:00:00', 'Asia/Kolkata', '2030-02-01T04:30:00.000Z'],
    ['2030-07-01 10:00:00', 'Europe/Berlin', '2030-07-01T08:00:00.000Z'],
    ['2030-01-01 10:00:00', 'Europe/Berlin', '2030-01-01T09:00:00.000Z'],
    ['2030-07-15 10:00:00', 'America/New_York', '2030-07-15T14:00:00.000Z'],
    ['2030-03-02', 'Asia/Kolkata', '2030-03-01T18:30:00.000Z'],
  ])('%s in %s is %s', (wall, tz, iso) => {
    expect(fromKrayinWallTime(wall, tz).toISOString()).toBe(iso);
  });

  it('round-trips every hour of the day across a DST year in Berlin and New York', () => {
    for (const tz of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata']) {
      for (let t = Date.UTC(2030, 0, 1); t < Date.UTC(2031, 0, 1); t += 5 * 3_600_000) {
        const instant = new Date(t);
        const back = fromKrayinWallTime(toKrayinWallTime(instant, tz), tz);
        // In the repeated "fall back" hour Krayin can only mean the earlier instant.
        expect([t, t - 3_600_000]).toContain(back.getTime());
      }
    }
  });

  it('resolves an ambiguous fall-back wall time to the earlier instant', () => {
    expect(fromKrayinWallTime('2030-10-27 02:30:00', 'Europe/Berlin').toISOString()).toBe('2030-10-27T00:30:00.000Z');
  });

  it('moves a non-existent spring-forward wall time one gap later', () => {
    expect(fromKrayinWallTime('2030-03-31 02:30:00', 'Europe/Berlin').toISOString()).toBe('2030-03-31T01:30:00.000Z');
  });

  it('rejects text that is not a wall time', () => {
    expect(() => fromKrayinWallTime('tomorrow', 'UTC')).toThrow(RangeError);
  });
});

describe('Krayin output', () => {
  it('parses UTC ISO with microseconds', () => {
    expect(parseKrayinTimestamp('2026-11-23T20:24:40.123456Z').toISOString()).toBe('2026-11-23T20:24:40.123Z');
    expect(parseKrayinTimestamp('2026-11-23T20:24:40Z').toISOString()).toBe('2026-11-23T20:24:40.000Z');
  });

  it('rejects timestamps with an offset (Krayin output is always Z)', () => {
    expect(() => parseKrayinTimestamp('2026-11-23T20:24:40+02:00')).toThrow(RangeError);
  });

  it('reads expected_close_date back as the local date it was set to', () => {
    expect(krayinDateFromOutput('2030-01-14T18:30:00.000000Z', 'Asia/Kolkata')).toBe('2030-01-15');
    expect(krayinDateFromOutput('2030-01-15T00:00:00.000000Z', 'UTC')).toBe('2030-01-15');
    expect(krayinDateFromOutput('2030-07-14T22:00:00.000000Z', 'Europe/Berlin')).toBe('2030-07-15');
    expect(krayinDateFromOutput('2030-07-15T04:00:00.000000Z', 'America/New_York')).toBe('2030-07-15');
  });

  it('gives "today" in the server zone', () => {
    const at = new Date('2030-01-14T20:00:00Z');
    expect(toKrayinDate(at, 'UTC')).toBe('2030-01-14');
    expect(toKrayinDate(at, 'Asia/Kolkata')).toBe('2030-01-15');
  });
});
