/**
 * The bounded HTML transcript written into a resolved conversation's activity. Krayin's comment is a
 * TEXT column (65,535 bytes, silently cut by MySQL past that), and a long support thread easily has
 * thousands of messages, so the transcript keeps the newest messages that fit a byte budget and says
 * how many older ones it left out. Newest last, like a chat. Pure.
 */
import { wallTimeIn } from '../mapping/datetime';
import { escapeHtml, link, textToHtml, truncateHtmlBytes, utf8ByteLength } from './html';
import type { TranscriptMessage } from './snapshot';
import { clipChars } from './unicode';

export interface TranscriptOptions {
  /** At most this many of the newest messages. */
  maxMessages: number;
  /** Budget for the whole transcript HTML (heading and notice included), in UTF-8 bytes. */
  maxBytes: number;
  /** Longer message texts are shortened (with an ellipsis). */
  maxMessageChars: number;
  /** Zone for the times shown (Krayin's, so they match the rest of its UI). */
  timeZone: string;
  /** The caller stopped loading at a cap: there are older messages it never saw. */
  moreOlderMessages?: boolean;
}

export interface RenderedTranscript {
  html: string;
  shown: number;
  /** Messages given but not shown (older ones beyond the count or byte budget). */
  omitted: number;
}

const HEADING = '<p><b>Transcript</b></p>';
const AUTHOR_MAX_CHARS = 100;

/** `2026-06-20 09:14` in `timeZone`. */
export function displayTime(iso: string, timeZone: string): string {
  const w = wallTimeIn(Date.parse(iso), timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}`;
}

function noticeHtml(omitted: number, moreOlder: boolean): string {
  if (omitted === 0 && !moreOlder) return '';
  const text = moreOlder
    ? omitted === 0
      ? 'Older messages are not shown.'
      : `More than ${omitted} older messages are not shown.`
    : `${omitted} older message${omitted === 1 ? ' is' : 's are'} not shown.`;
  return `<p><i>${text}</i></p>`;
}

export interface MessageBlockOptions {
  maxMessageChars: number;
  timeZone: string;
}

/**
 * One message as `<p>`: author, time, text, attachment links. With `maxBytes`, a block that does not
 * fit is shortened (text cut, attachment links replaced by a count); null when not even that fits.
 */
export function renderMessageBlock(
  message: TranscriptMessage,
  opts: MessageBlockOptions,
  maxBytes = Infinity,
): string | null {
  const head = `<p><b>${escapeHtml(clipChars(message.author, AUTHOR_MAX_CHARS))}</b> (${displayTime(message.createdAt, opts.timeZone)})`;
  const text = message.content === '' ? '' : `<br>${textToHtml(clipChars(message.content, opts.maxMessageChars))}`;
  const files = message.attachments.map((a) => `<br>Attachment: ${link(a.url, clipChars(a.name, 255))}`).join('');
  const full = `${head}${text}${files}</p>`;
  if (utf8ByteLength(full) <= maxBytes) return full;

  const count = message.attachments.length;
  const filesNote = count === 0 ? '' : `<br><i>${count} attachment${count === 1 ? '' : 's'} not shown.</i>`;
  const fixed = `${head}<br>…${filesNote}</p>`;
  const room = maxBytes - utf8ByteLength(fixed);
  if (room < 0) return null;
  const cut = truncateHtmlBytes(text.replace(/^<br>/, ''), room);
  return `${head}<br>${cut}…${filesNote}</p>`;
}

/**
 * The newest messages that fit `maxMessages` and `maxBytes`, oldest of them first. Whole older messages
 * are dropped rather than cut, so the notice's count is exact; only the newest message may be cut,
 * when it alone exceeds the budget.
 */
export function renderTranscript(messages: readonly TranscriptMessage[], opts: TranscriptOptions): RenderedTranscript {
  const moreOlder = opts.moreOlderMessages === true;
  const ordered = [...messages].sort((a, b) =>
    a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id,
  );
  if (ordered.length === 0) {
    const html = `${HEADING}${moreOlder ? noticeHtml(0, true) : '<p><i>No public messages.</i></p>'}`;
    return { html: utf8ByteLength(html) <= opts.maxBytes ? html : '', shown: 0, omitted: 0 };
  }

  // Reserve room for the longest notice this transcript could need (most digits, plural form).
  const reserve = utf8ByteLength(noticeHtml(Math.max(ordered.length, 10), moreOlder));
  const budget = opts.maxBytes - utf8ByteLength(HEADING) - reserve;
  const windowStart = Math.max(0, ordered.length - Math.max(0, opts.maxMessages));
  const blocks: string[] = [];
  let used = 0;
  for (let i = ordered.length - 1; i >= windowStart && budget > 0; i--) {
    const message = ordered[i];
    if (message === undefined) break;
    const block = renderMessageBlock(message, opts);
    const size = block === null ? Infinity : utf8ByteLength(block);
    if (block !== null && used + size <= budget) {
      blocks.push(block);
      used += size;
      continue;
    }
    if (blocks.length === 0) {
      const cut = renderMessageBlock(message, opts, budget);
      if (cut !== null) blocks.push(cut);
    }
    break;
  }
  blocks.reverse();
  const omitted = ordered.length - blocks.length;
  const html = `${HEADING}${noticeHtml(omitted, moreOlder)}${blocks.join('')}`;
  // Only a budget too small for the heading and notice themselves ends here.
  if (utf8ByteLength(html) > opts.maxBytes) return { html: '', shown: 0, omitted: ordered.length };
  return { html, shown: blocks.length, omitted };
}
