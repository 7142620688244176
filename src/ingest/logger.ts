import type { IngestLogger } from './types';

/** Default logger: one JSON object per line on stderr. Callers pass only ids, names and reasons. */
export function jsonLineLogger(stream: NodeJS.WritableStream = process.stderr): IngestLogger {
  const write = (level: string) => (o: object, msg?: string) => {
    stream.write(`${JSON.stringify({ level, time: new Date().toISOString(), component: 'ingest', msg, ...o })}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
