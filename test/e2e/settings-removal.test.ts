/**
 * A connection deleted or disabled in the console stops what runs for it, without a restart: its
 * reconciliation Schedules are deleted and its Krayin poll (two-way sync) ends; re-enabled or re-added,
 * it gets both again. The settings are edited by another "replica" (its own ConnectionSettings over the
 * same store), so the service learns every change from the settings version, as in production.
 */
import { ScheduleNotFoundError } from '@temporalio/client';
import { generateKey } from '../../src/codec/keyring';
import { createSettingsLayer, type SettingsLayer } from '../../src/settings';
import { krayinPollWorkflowId } from '../../workflows/krayin-poll-api';
import { reconcileScheduleId } from '../../workflows/reconcile-api';
import { startHarness, type Harness } from '../helpers/harness';

jest.setTimeout(180_000);

const KEY = generateKey();
const ID = 'removable';

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a connection removed or disabled in the console stops its schedules and poll', () => {
  let h: Harness;
  let replica: SettingsLayer;
  let scheduleId: string;
  let pollId: string;

  beforeAll(async () => {
    h = await startHarness({ service: { settingsEncryption: { keys: { s1: KEY }, activeKeyId: 's1' } } });
    replica = createSettingsLayer({ config: h.config, store: h.store, embedded: false });
    await replica.catalog.refresh();
    scheduleId = reconcileScheduleId(ID, 'incremental', h.config.temporal.taskQueue);
    pollId = krayinPollWorkflowId(ID, h.config.temporal.taskQueue);
  });
  afterAll(async () => {
    // Schedules outlive the harness on the shared dev server: never leave one behind.
    await h?.client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => undefined);
    await replica?.catalog.stop();
    await h?.close();
  });

  const create = () =>
    replica.settings.create(
      {
        id: ID,
        krayin: { url: h.krayin.apiBase, token: h.krayin.token, requestsPerMinute: 6000, timeoutMs: 2_000 },
        chatwoot: {
          url: h.chatwoot.url,
          accountId: h.chatwoot.accountId,
          apiToken: h.chatwoot.apiToken,
          webhookSecret: 'removable-webhook-secret-0123456789',
        },
        sync: { debounceMs: 300, idleCloseMs: 60_000, reconcile: { schedule: 'incremental=1h;full=off' } },
        twoWay: { enabled: true, pollInterval: '1m' },
      },
      'e2e',
    );

  /** Whether the schedule exists (true) or not (false). */
  const scheduleExists = async () => {
    try {
      await h.client.schedule.getHandle(scheduleId).describe();
      return true;
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return false;
      throw err;
    }
  };
  const pollStatus = async () => {
    try {
      return (await h.client.workflow.getHandle(pollId).describe()).status.name;
    } catch {
      return 'ABSENT';
    }
  };
  const running = () =>
    until('schedule and poll running', async () =>
      (await scheduleExists()) && (await pollStatus()) === 'RUNNING' ? true : undefined,
    );
  const stopped = () =>
    until('schedule and poll stopped', async () =>
      !(await scheduleExists()) && (await pollStatus()) !== 'RUNNING' ? true : undefined,
    );

  it('a console-created connection gets its schedule and poll', async () => {
    expect(await scheduleExists()).toBe(false);
    expect((await create()).ok).toBe(true);
    await running();
  });

  it('disabled: the schedule is deleted and the poll ends; enabled again: both are back', async () => {
    expect((await replica.settings.update(ID, { enabled: false }, 'e2e')).ok).toBe(true);
    await stopped();
    expect(await pollStatus()).toBe('CANCELLED');
    expect((await replica.settings.update(ID, { enabled: null }, 'e2e')).ok).toBe(true);
    await running();
  });

  it('deleted: the schedule is deleted and the poll ends; re-added: both are back', async () => {
    expect(await replica.settings.remove(ID, 'e2e')).toEqual({ ok: true });
    await stopped();
    expect(await pollStatus()).toBe('CANCELLED');
    // The poll stays ended (nothing restarts it) while the connection is gone.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(await pollStatus()).toBe('CANCELLED');
    expect(await scheduleExists()).toBe(false);

    expect((await create()).ok).toBe(true);
    await running();
    expect(await replica.settings.remove(ID, 'e2e')).toEqual({ ok: true });
    await stopped();
  });
});
