/**
 * Temporal's remote codec protocol carries Payloads as protobuf JSON: `metadata` values and `data` are
 * base64 strings. These helpers convert between that form and SDK Payloads.
 */
import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/** Standard base64 with padding, as protobuf JSON writes bytes (URL-safe accepted too, as protobuf JSON parsers do). */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

export const jsonPayloadSchema = z.object({
  metadata: z.record(z.string(), base64).nullish(),
  data: base64.nullish(),
});

export const codecRequestSchema = z.object({ payloads: z.array(jsonPayloadSchema) });

export type JsonPayload = z.infer<typeof jsonPayloadSchema>;

export function payloadFromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

/**
 * Copies rather than viewing `bytes.buffer`: protobuf-decoded bytes may come from another realm or be
 * array-likes without a usable `.buffer` (seen when the codec runs under jest's VM sandbox).
 */
const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export function payloadToJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload.metadata ?? {})) if (v) metadata[k] = toBase64(v);
  return { metadata, data: toBase64(payload.data ?? new Uint8Array(0)) };
}
