/**
 * Krayin's own webhooks as hints (docs/two-way-sync.md, "Krayin's own webhooks as hints"): per connection, the token that must
 * end the hint URL `/webhooks/krayin/<connection>/<token>`. Without a token the endpoint is off (404).
 * The token is a secret: it is the only thing that authenticates Krayin's calls (Krayin cannot sign).
 */
import { z } from 'zod';

const TOKEN_MESSAGE = 'must be at least 24 characters of A-Z, a-z, 0-9, "-" or "_"';

export const krayinHooksSchema = z
  .object({
    /** KRAYIN_WEBHOOK_TOKEN: unguessable, URL-safe (it travels in Krayin's stored end_point). */
    token: z
      .string({ error: TOKEN_MESSAGE })
      .regex(/^[A-Za-z0-9_-]{24,}$/, TOKEN_MESSAGE)
      .optional(),
  })
  .default({});

export type KrayinHooksSettings = z.infer<typeof krayinHooksSchema>;

/**
 * Whether a connection accepts Krayin hints: a token is configured and two-way sync is on (a hint only
 * makes the Krayin poll run now; without two-way sync nothing polls Krayin).
 */
export function krayinHintsEnabled(connection: {
  krayinHooks: KrayinHooksSettings;
  twoWay: { enabled: boolean };
}): boolean {
  return connection.krayinHooks.token !== undefined && connection.twoWay.enabled;
}
