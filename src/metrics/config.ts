/**
 * Metrics endpoint configuration. Env: METRICS_TOKEN (optional; when set, GET /metrics needs
 * `Authorization: Bearer <token>`).
 */
import { z } from 'zod';
import { MIN_TOKEN_LENGTH } from '../codec/bearer-auth';

const tokenMessage = `must be at least ${MIN_TOKEN_LENGTH} visible ASCII characters`;

export const metricsConfigSchema = z.object({
  token: z
    .string({ error: tokenMessage })
    .min(MIN_TOKEN_LENGTH, { error: tokenMessage })
    .regex(/^[\x21-\x7e]+$/, { error: tokenMessage })
    .optional(),
});

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;

/** Throws an Error naming the variable (never its value). */
export function metricsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MetricsConfig {
  const token = env.METRICS_TOKEN?.trim() || undefined;
  const parsed = metricsConfigSchema.safeParse({ token });
  if (!parsed.success) throw new Error(`METRICS_TOKEN ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}
