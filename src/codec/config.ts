/**
 * Configuration of payload encryption and the codec server, as zod sub-schemas for the app config and
 * as an environment loader. Messages never contain key material or tokens.
 *
 *   PAYLOAD_ENCRYPTION_KEYS  "k2:<base64>,k1:<base64>"; first = active. Absent: payloads are not encrypted.
 *   CODEC_SERVER_TOKEN       bearer token for POST /codec/{encode,decode}. Absent: no codec server.
 *   CODEC_UI_PATH_TOKEN      optional token accepted in the path, /codec/<token>/{encode,decode}, for the Temporal UI.
 *   CODEC_CORS_ORIGINS       comma list of Temporal UI origins (default http://localhost:8233,http://127.0.0.1:8233).
 */
import { z } from 'zod';
import { MIN_TOKEN_LENGTH } from './bearer-auth';
import { KeyringError } from './errors';
import { keyringSchema, parseKeyring, type Keyring } from './keyring';

export const DEFAULT_UI_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];

const origin = z
  .string({ error: 'must be an origin such as https://temporal-ui.example.com' })
  .regex(/^https?:\/\/[^\s/?#]+$/i, 'must be an origin such as https://temporal-ui.example.com (no path)');

const tokenMessage = `must be at least ${MIN_TOKEN_LENGTH} visible ASCII characters`;

const token = z
  .string({ error: tokenMessage })
  .min(MIN_TOKEN_LENGTH, { error: tokenMessage })
  .regex(/^[\x21-\x7e]+$/, { error: tokenMessage });
/** Goes into a URL path: no characters that need encoding or that end a path segment. */
const pathTokenMessage = `must be at least ${MIN_TOKEN_LENGTH} letters, digits, "-" or "_"`;
const pathToken = z
  .string({ error: pathTokenMessage })
  .regex(new RegExp(`^[A-Za-z0-9_-]{${MIN_TOKEN_LENGTH},}$`), { error: pathTokenMessage });

export const codecServerSchema = z.object({
  token,
  /** The Temporal UI's codec endpoint is then `<base>/codec/<uiPathToken>` (the UI cannot send a bearer token). */
  uiPathToken: pathToken.optional(),
  allowedOrigins: z.array(origin, { error: 'must be a list of origins' }).default(DEFAULT_UI_ORIGINS),
});

export const codecConfigSchema = z.object({
  /** Absent: payloads are stored in plaintext (the default until keys are configured). */
  encryption: keyringSchema.optional(),
  /** Absent: no codec endpoint is served. Needs `encryption`. */
  codecServer: codecServerSchema.optional(),
});

export type CodecServerConfig = z.infer<typeof codecServerSchema>;
export type CodecConfig = { encryption?: Keyring; codecServer?: CodecServerConfig };

/** Reads the variables above; throws KeyringError with the variable name and no values. */
export function codecConfigFromEnv(env: NodeJS.ProcessEnv): CodecConfig {
  const config: CodecConfig = {};
  const keys = env.PAYLOAD_ENCRYPTION_KEYS?.trim();
  if (keys) config.encryption = parseKeyring(keys);
  const token = env.CODEC_SERVER_TOKEN?.trim();
  if (token) {
    const origins = env.CODEC_CORS_ORIGINS?.split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean);
    const uiPathToken = env.CODEC_UI_PATH_TOKEN?.trim() || undefined;
    const parsed = codecServerSchema.safeParse({
      token,
      uiPathToken,
      allowedOrigins: origins?.length ? origins : undefined,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const names: Record<string, string> = { token: 'CODEC_SERVER_TOKEN', uiPathToken: 'CODEC_UI_PATH_TOKEN' };
      const name = names[String(issue?.path[0])] ?? 'CODEC_CORS_ORIGINS';
      throw new KeyringError(`${name} ${issue?.message ?? 'is invalid'}`);
    }
    if (!config.encryption) throw new KeyringError('CODEC_SERVER_TOKEN is set but PAYLOAD_ENCRYPTION_KEYS is not');
    config.codecServer = parsed.data;
  } else if (env.CODEC_UI_PATH_TOKEN?.trim()) {
    throw new KeyringError('CODEC_UI_PATH_TOKEN is set but CODEC_SERVER_TOKEN is not');
  }
  return config;
}
