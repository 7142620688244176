/**
 * A profile of a Temporal TOML config file (the format of the Temporal CLI and SDKs, read with
 * @temporalio/envconfig), as the `temporal` section of our configuration. Read only when
 * TEMPORAL_CONFIG_FILE or TEMPORAL_PROFILE is set: a developer's ~/.config/temporalio/temporal.toml
 * must not silently point `npm start` at another server. The TEMPORAL_* variables of env.ts override
 * what the profile says, as in the SDKs.
 */
import { accessSync, constants } from 'node:fs';
import { loadClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';

/** Our schema's shape of a PEM source (env.ts sets the same keys from *_PATH / *_DATA). */
type PemInput = { path: string } | { data: string };

export function temporalProfileFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  const file = env.TEMPORAL_CONFIG_FILE?.trim() || undefined;
  const profileName = env.TEMPORAL_PROFILE?.trim() || undefined;
  if (!file && !profileName) return undefined;
  let profile;
  try {
    // envconfig treats a missing file as empty; a file named here and missing is a mistake.
    if (file) accessSync(file, constants.R_OK);
    profile = loadClientConfigProfile({
      disableEnv: true,
      ...(file ? { configSource: { path: file } } : {}),
      ...(profileName ? { profile: profileName } : {}),
      // Only the location of the default file is taken from here.
      overrideEnvVars: { ...(env.HOME ? { HOME: env.HOME } : {}) },
    });
  } catch (e) {
    throw new Error(`${file ? 'TEMPORAL_CONFIG_FILE' : 'TEMPORAL_PROFILE'}: ${profileError(e, file)}`);
  }
  const tls = profile.tls;
  const out: Record<string, unknown> = {
    ...(profile.address ? { address: profile.address } : {}),
    ...(profile.namespace ? { namespace: profile.namespace } : {}),
    ...(profile.apiKey ? { apiKey: profile.apiKey } : {}),
  };
  if (tls) {
    out.tls = withoutEnvOverridden(env, {
      ...(tls.disabled === undefined ? {} : { enabled: !tls.disabled }),
      ...(tls.serverName ? { serverName: tls.serverName } : {}),
      ...pem('serverCaCert', tls.serverCACert),
      ...pem('clientCert', tls.clientCert),
      ...pem('clientKey', tls.clientKey),
    });
  }
  return out;
}

/** Says what went wrong without quoting the file (it may hold an API key or a private key). */
function profileError(e: unknown, file: string | undefined): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code) return `cannot read ${file ?? 'the Temporal config file'} (${code})`;
  const message = e instanceof Error ? e.message : String(e);
  if (/^Profile '.*' not found/.test(message)) return `profile not found in ${file ?? 'the Temporal config file'}`;
  return `${file ?? 'the Temporal config file'} is not a valid Temporal TOML config file`;
}

function pem(key: string, source: ConfigDataSource | undefined): Record<string, PemInput> {
  if (!source) return {};
  if ('path' in source) return { [key]: { path: source.path } };
  const data = typeof source.data === 'string' ? source.data : Buffer.from(source.data).toString('utf8');
  return { [key]: { data } };
}

const PEM_VARIABLES: Record<string, string> = {
  serverCaCert: 'TEMPORAL_TLS_SERVER_CA_CERT',
  clientCert: 'TEMPORAL_TLS_CLIENT_CERT',
  clientKey: 'TEMPORAL_TLS_CLIENT_KEY',
};

/**
 * A PEM source the environment sets (by path or by data) replaces the profile's whole source: a
 * profile path plus an environment PEM text would otherwise read as "both set".
 */
function withoutEnvOverridden(env: NodeJS.ProcessEnv, tls: Record<string, unknown>): Record<string, unknown> {
  const out = { ...tls };
  for (const [key, prefix] of Object.entries(PEM_VARIABLES)) {
    if (env[`${prefix}_PATH`]?.trim() || env[`${prefix}_DATA`]?.trim()) delete out[key];
  }
  return out;
}
