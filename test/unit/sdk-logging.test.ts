import { createLogger, type LogLevel } from '../../src/logging';
import { sdkLogger } from '../../src/temporal/runtime-logging';

function capture(level: LogLevel) {
  const lines: { level: LogLevel; msg: unknown; line: Record<string, unknown> }[] = [];
  const log = createLogger(level, {}, (text, lvl) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push({ level: lvl, msg: line.msg, line });
  });
  return { sdk: sdkLogger(log), lines };
}

describe('SDK logs through our logger', () => {
  it('does not warn that a Krayin-queue worker has no workflows (it has none by design)', () => {
    const { sdk, lines } = capture('info');
    sdk.log('WARN', 'No workflows registered, not polling for workflow tasks', { taskQueue: 'q.krayin.default' });
    sdk.warn('No workflows registered, not polling for workflow tasks', { taskQueue: 'q.krayin.default' });
    expect(lines).toEqual([]);
  });

  it('still shows that message at debug, and every other SDK warning and error', () => {
    const { sdk, lines } = capture('debug');
    sdk.log('WARN', 'No workflows registered, not polling for workflow tasks', { taskQueue: 'q' });
    sdk.log('WARN', 'Activity failed', { activityType: 'syncPerson', attempt: 3 });
    sdk.log('ERROR', 'Worker failed', {});
    sdk.log('INFO', 'Worker state changed', { state: 'RUNNING' });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['debug', 'No workflows registered, not polling for workflow tasks'],
      ['warn', 'Activity failed'],
      ['error', 'Worker failed'],
      ['debug', 'Worker state changed'],
    ]);
    expect(lines[1]!.line).toMatchObject({ sdk: true, activityType: 'syncPerson', attempt: 3 });
  });
});
