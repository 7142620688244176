/**
 * Sends the Temporal SDK's own logs (worker state changes, activity failures, bundler output) through
 * our JSON logger instead of its multi-line console format. The SDK is chatty at INFO, so its INFO
 * lines are only shown at LOG_LEVEL=debug. Runtime.install works once per process: later calls are
 * ignored (tests may already have installed one).
 */
import { Runtime, type LogLevel as SdkLogLevel, type LogMetadata, type Logger as SdkLogger } from '@temporalio/worker';
import type { Logger } from '../logging';

export function installSdkLogging(log: Logger): void {
  try {
    Runtime.install({ logger: sdkLogger(log) });
  } catch {
    // already installed
  }
}

/**
 * SDK warnings that describe our design, not a problem: each connection's Krayin-queue worker has
 * activities and no workflows on purpose (src/temporal/workers.ts). Shown at debug, never as a warning.
 */
const EXPECTED_SDK_WARNINGS = new Set(['No workflows registered, not polling for workflow tasks']);

/** The SDK logger that forwards into ours (exported for its unit test). */
export function sdkLogger(log: Logger): SdkLogger {
  const sdkLog: SdkLogger = {
    log: (level: SdkLogLevel, message: string, meta?: LogMetadata) => forward(level, message, meta),
    trace: () => undefined,
    debug: () => undefined,
    info: (message, meta) => log.debug({ sdk: true, ...pick(meta) }, message),
    warn: (message, meta) =>
      EXPECTED_SDK_WARNINGS.has(message)
        ? log.debug({ sdk: true, ...pick(meta) }, message)
        : log.warn({ sdk: true, ...pick(meta) }, message),
    error: (message, meta) => log.error({ sdk: true, ...pick(meta) }, message),
  };
  function forward(level: SdkLogLevel, message: string, meta?: LogMetadata) {
    if (level === 'WARN') sdkLog.warn(message, meta);
    else if (level === 'ERROR') sdkLog.error(message, meta);
    else if (level === 'INFO') sdkLog.info(message, meta);
  }
  return sdkLog;
}

/** Keeps ids and error summaries; drops task tokens and bulky objects. */
function pick(meta?: LogMetadata): Record<string, unknown> {
  if (!meta) return {};
  const out: Record<string, unknown> = {};
  for (const k of ['taskQueue', 'workflowId', 'workflowType', 'activityType', 'attempt', 'state', 'namespace']) {
    if (meta[k] !== undefined) out[k] = meta[k];
  }
  const err = meta.error;
  if (err instanceof Error) out.error = { name: err.name, message: err.message, type: (err as { type?: string }).type };
  return out;
}
