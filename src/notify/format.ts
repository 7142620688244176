/**
 * Turns an alert/resolve into the text channels send. Pure. Everything caller-supplied goes through
 * redaction; connection ids and causes are validated shapes, so they cannot carry PII.
 */
import { redactNotificationText } from './redact';
import type { MessageKind, RenderedMessage, Severity } from './types';

export const PRODUCT_TAG = '[chatwoot-krayin-sync]';
const MAX_SUBJECT = 200;
const MAX_BODY = 4_000;

export interface RenderInput {
  kind: MessageKind;
  connectionId: string;
  cause: string;
  severity: Severity;
  title: string;
  text: string;
  /** ms since the episode's first occurrence. */
  openForMs: number;
  /** Occurrences not sent since the last delivered message (alert/reminder) or in the episode (resolved). */
  suppressed: number;
  occurrences: number;
}

/** "<1 min", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return '<1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/[\r\n\t]+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderMessage(r: RenderInput): RenderedMessage {
  const title = oneLine(redactNotificationText(r.title), MAX_SUBJECT);
  const text = redactNotificationText(r.text).slice(0, MAX_BODY);
  const label = r.kind === 'resolved' ? 'RESOLVED' : r.severity.toUpperCase();
  const subject = oneLine(`${PRODUCT_TAG} ${label} ${r.connectionId}: ${title}`, MAX_SUBJECT);
  const lines: string[] = [];
  if (r.kind === 'resolved') {
    lines.push(`Resolved after ${formatDuration(r.openForMs)}, ${plural(r.suppressed, 'occurrence')} suppressed.`);
    if (text) lines.push('', text);
  } else {
    if (text) lines.push(text, '');
    if (r.kind === 'reminder') {
      lines.push(
        `Still failing after ${formatDuration(r.openForMs)}: ${plural(r.suppressed, 'further occurrence')} since the last message.`,
      );
    } else if (r.suppressed > 0) {
      lines.push(`${plural(r.suppressed, 'earlier occurrence')} of this cause were not sent (rate limit).`);
    }
    lines.push('Repeats are suppressed until the window passes; a message follows when it clears.');
  }
  lines.push('', `Connection: ${r.connectionId}`, `Cause: ${r.cause}`, `Severity: ${r.severity}`);
  return {
    kind: r.kind,
    connectionId: r.connectionId,
    cause: r.cause,
    severity: r.severity,
    subject,
    body: lines.join('\n'),
  };
}
