/**
 * Upgrading with running workflows: histories recorded by earlier releases must replay against the
 * current workflow code (docs/operations.md, "Upgrading"). Each fixture in test/fixtures/histories was
 * recorded by the release before a `patched()` change (with `temporal workflow show -o json`); a change
 * that is not gated by `patched()` fails here with a nondeterminism error instead of in production.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/harness';

const dir = path.resolve(__dirname, '../fixtures/histories');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('recorded workflow histories', () => {
  it('there is at least one', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures)('%s replays deterministically against the current code', async (file) => {
    const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as unknown;
    const history = temporal.api.history.v1.History.fromObject(withProtoTimes(json) as object);
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${file}`),
    ).resolves.toBeUndefined();
  });
});

/**
 * `temporal workflow show -o json` writes proto3 JSON: timestamps and durations as strings. The SDK's
 * historyFromJSON reads that, but fails in this install (it meets two protobufjs versions: "type must
 * be a Type"), so convert those two shapes to the objects History.fromObject takes; enum names, base64
 * bytes and int64 strings it reads as they are.
 */
function withProtoTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withProtoTimes);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withProtoTimes(v)]));
  }
  if (typeof value !== 'string') return value;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) {
    const fraction = /\.(\d+)Z$/.exec(value)?.[1] ?? '';
    return { seconds: Math.floor(Date.parse(value) / 1000), nanos: Number(fraction.padEnd(9, '0').slice(0, 9)) };
  }
  const duration = /^(\d+)(?:\.(\d+))?s$/.exec(value);
  if (duration) return { seconds: Number(duration[1]), nanos: Number((duration[2] ?? '').padEnd(9, '0')) };
  return value;
}
