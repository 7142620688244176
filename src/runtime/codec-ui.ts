/** The codec endpoint as the Temporal UI sees it (embedded UI or a separate one). */
import type { AppConfig } from '../config/schema';

export function publicBase(config: AppConfig, port: number): string {
  return (config.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
}

/** What the embedded Temporal UI calls: the path-token URL when configured, since the UI sends no bearer token. */
export function uiCodecEndpoint(
  config: AppConfig,
  port: number,
  codecServer: { uiPathToken?: string | undefined },
): string {
  const base = `${publicBase(config, port)}/codec`;
  return codecServer.uiPathToken === undefined ? base : `${base}/${codecServer.uiPathToken}`;
}

/** The embedded UI may run on any port (TEMPORAL_UI_PORT): its origin is always allowed to call the codec. */
export function withEmbeddedUi(origins: readonly string[], uiUrl: string | null): string[] {
  if (uiUrl === null) return [...origins];
  const ui = new URL(uiUrl);
  const local = ['127.0.0.1', 'localhost'].includes(ui.hostname)
    ? ['127.0.0.1', 'localhost'].map((host) => `${ui.protocol}//${host}:${ui.port}`)
    : [ui.origin];
  return [...new Set([...origins, ...local])];
}
