/**
 * The two-way poll's periodic id scan (docs/two-way-sync.md, "The id scan"): Krayin deletes for good and
 * some edits leave `updated_at` alone (src/krayin/README.md §5, §7), so the watermark poll cannot see
 * them. Every KRAYIN_SCAN_INTERVAL the poll pages all persons, then all leads, by id. Pure rules of the
 * pass (when it is due, where it resumes, its figures); the reads are activities/krayin/two-way-scan.ts.
 * Imported by workflow code: no I/O.
 */

export type ScanKind = 'person' | 'lead';

/** What a pass did (ids and counts only): the poll's status query shows them. */
export interface ScanFigures {
  /** Krayin records listed. */
  scanned: number;
  /** Changes handed to contact workflows (persons whose compared values are new). */
  handed: number;
  /** Contacts whose linked person or lead Krayin deleted (handled by the Krayin-deleted path). */
  deleted: number;
  /** Krayin requests (pages, plus one GET per suspected deletion). */
  calls: number;
}

export const ZERO_FIGURES: ScanFigures = { scanned: 0, handed: 0, deleted: 0, calls: 0 };

/** A pass under way: where the next step resumes. */
export interface ScanPass {
  /** 1-based number of the pass in this poll workflow (part of the hand-over keys). */
  number: number;
  /** Workflow time (ms) it started. */
  startedAt: number;
  kind: ScanKind;
  /** 1-based page of the kind's index, sorted by id ascending. */
  page: number;
  /** Highest id covered by the previous pages of the kind. */
  afterId: number;
  figures: ScanFigures;
}

/** Carried across continue-as-new in the poll's input, so a pass resumes at the page it was on. */
export interface KrayinScanCursor {
  /** Workflow time (ms) the last pass started, or the poll first ran: the next pass is due an interval later. */
  lastStartedAt: number;
  /** Passes started so far. */
  passes: number;
  pass: ScanPass | null;
  /** The last finished pass's figures. */
  last: (ScanFigures & { finishedAt: number }) | null;
}

/** Index pages per scan activity: bounded work per call (4 x 500 records), the budget is shared between calls. */
export const SCAN_PAGES_PER_ACTIVITY = 4;

export function newScanCursor(now: number): KrayinScanCursor {
  return { lastStartedAt: now, passes: 0, pass: null, last: null };
}

/** Whether a pass should run now: one is under way, or the interval has passed since the last one started. */
export function scanDue(cursor: KrayinScanCursor, intervalMs: number | null, now: number): boolean {
  if (intervalMs === null) return false;
  return cursor.pass !== null || now >= cursor.lastStartedAt + intervalMs;
}

/** Starts a pass at the first page of persons (when none is under way). */
export function startPass(cursor: KrayinScanCursor, now: number): KrayinScanCursor {
  if (cursor.pass) return cursor;
  const number = cursor.passes + 1;
  return {
    ...cursor,
    lastStartedAt: now,
    passes: number,
    pass: { number, startedAt: now, kind: 'person', page: 1, afterId: 0, figures: { ...ZERO_FIGURES } },
  };
}

/** What one scan step reported: the kind's next page, and whether the kind is done. */
export interface ScanStep {
  page: number;
  afterId: number;
  kindDone: boolean;
  figures: ScanFigures;
}

/** Moves the pass past a step: persons, then leads, then the pass is finished (pass null, `last` set). */
export function advancePass(cursor: KrayinScanCursor, step: ScanStep, now: number): KrayinScanCursor {
  const pass = cursor.pass;
  if (!pass) return cursor;
  const figures = addFigures(pass.figures, step.figures);
  if (!step.kindDone) return { ...cursor, pass: { ...pass, page: step.page, afterId: step.afterId, figures } };
  if (pass.kind === 'person') return { ...cursor, pass: { ...pass, kind: 'lead', page: 1, afterId: 0, figures } };
  return { ...cursor, pass: null, last: { ...figures, finishedAt: now } };
}

export function addFigures(a: ScanFigures, b: Partial<ScanFigures>): ScanFigures {
  return {
    scanned: a.scanned + (b.scanned ?? 0),
    handed: a.handed + (b.handed ?? 0),
    deleted: a.deleted + (b.deleted ?? 0),
    calls: a.calls + (b.calls ?? 0),
  };
}

/**
 * How long the poll waits before its next loop: the poll interval, cut short when the next scan pass is
 * due earlier; 0 while a pass is under way (its next step comes right after the next poll). null: only a
 * hint wakes the poll.
 */
export function waitBeforeNextLoop(
  pollMs: number | null,
  cursor: KrayinScanCursor,
  scanMs: number | null,
  now: number,
): number | null {
  if (scanMs === null) return pollMs;
  if (cursor.pass) return 0;
  const untilScan = Math.max(0, cursor.lastStartedAt + scanMs - now);
  return pollMs === null ? untilScan : Math.min(pollMs, untilScan);
}

/** The key a pass's Krayin-deleted hand-overs carry (re-sent ones dedupe in the contact workflow). */
export function scanRunKey(firstRunId: string, passNumber: number): string {
  return `krayin-scan:${firstRunId}:${passNumber}`;
}
