/**
 * The demo `start` runs when no connection is configured: the service as it is, pointed at the
 * bundled Krayin and Chatwoot simulators on loopback (connection id "demo"), with its own state under
 * DATA_DIR/demo (emptied at each demo start, like the simulators) so that a later real configuration
 * inherits no demo links, then a little traffic.
 * Nothing leaves the machine: no alert channel, no external Temporal or Postgres, every port on 127.0.0.1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigFromEnv, type AppConfig } from '../config';
import { decideDemo } from './demo-mode';
import { startSimulators, type Simulators } from './simulators';
import { playDemoTraffic, type TrafficSummary } from './traffic';

export { decideDemo } from './demo-mode';

export const DEMO_CONNECTION_ID = 'demo';

/** The user's service settings a demo honours; everything else (alerts, DATABASE_URL, TEMPORAL_ADDRESS) is left out. */
const KEPT_SETTINGS = [
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'LOG_LEVEL',
  'TEMPORAL_DEV_PORT',
  'TEMPORAL_UI_PORT',
  'ADMIN_TOKEN',
];

export interface Demo {
  config: AppConfig;
  /** Lines for the running banner: where to look. */
  lookLines(): string[];
  /** Sends the demo traffic through the simulated Chatwoot to `webhookUrl` (our ingest). */
  play(webhookUrl: string): Promise<TrafficSummary>;
  close(): Promise<void>;
}

export type DemoStart = { demo: Demo } | { demo: null; problem?: string };

/** Starts the simulators and builds the demo configuration, unless a connection is configured (or DEMO=off). */
export async function startDemoIfUnconfigured(env: NodeJS.ProcessEnv): Promise<DemoStart> {
  const decision = decideDemo(env);
  if (!decision.demo) return { demo: null, ...('problem' in decision ? { problem: decision.problem } : {}) };
  const sims = await startSimulators();
  try {
    const config = demoConfig(env, sims);
    // The simulators start empty every time: links, hashes and workflow history of an earlier demo
    // would point at records that no longer exist (and skip "unchanged" contacts), so they go.
    fs.rmSync(path.resolve(config.dataDir), { recursive: true, force: true });
    return { demo: demo(sims, config) };
  } catch (e) {
    await sims.close();
    throw e;
  }
}

/** The demo connection: the simulators, the user's kept service settings, loopback, DATA_DIR/demo. */
export function demoConfig(
  env: NodeJS.ProcessEnv,
  sims: Pick<Simulators, 'krayin' | 'chatwoot' | 'webhookSecret'>,
): AppConfig {
  const kept = Object.fromEntries(KEPT_SETTINGS.filter((k) => env[k]?.trim()).map((k) => [k, env[k]]));
  const config = loadConfigFromEnv({
    HOST: '127.0.0.1',
    ...kept,
    DATA_DIR: path.join(env.DATA_DIR?.trim() || '.data', DEMO_CONNECTION_ID),
    KRAYIN_URL: sims.krayin.apiBase,
    KRAYIN_TOKEN: sims.krayin.token,
    CHATWOOT_URL: sims.chatwoot.url,
    CHATWOOT_ACCOUNT_ID: String(sims.chatwoot.accountId),
    CHATWOOT_API_TOKEN: sims.chatwoot.apiToken,
    CHATWOOT_WEBHOOK_SECRET: sims.webhookSecret,
    // Show more of the product than the defaults would: a call per conversation (open until resolved)
    // and the lead moving along the pipeline as the conversation progresses.
    CONVERSATION_ACTIVITY_TYPES: JSON.stringify({ 'Channel::Api': 'call' }),
    STAGE_RULES: JSON.stringify([
      { on: 'first_agent_reply', stage: 'follow-up' },
      { on: 'conversation_resolved', stage: 'prospect' },
    ]),
  });
  return { ...config, connections: config.connections.map((c) => ({ ...c, id: DEMO_CONNECTION_ID })) };
}

function demo(sims: Simulators, config: AppConfig): Demo {
  return {
    config,
    lookLines: () => [
      `  Simulated Krayin:    ${sims.krayin.url}/__fake/records  (JSON: /__fake/state)`,
      `  Simulated Chatwoot:  ${sims.chatwoot.url}/api/v1/accounts/${sims.chatwoot.accountId}  (REST API, see docs/development.md)`,
    ],
    play: (webhookUrl) => {
      // The ingest listens on 127.0.0.1; "localhost" may resolve to ::1 first.
      sims.chatwoot.setWebhook({ url: webhookUrl.replace('//localhost:', '//127.0.0.1:'), secret: sims.webhookSecret });
      return playDemoTraffic(sims.chatwoot);
    },
    close: () => sims.close(),
  };
}

/** The one line that says what is going on. */
export const DEMO_LINE =
  'DEMO: no connection is configured, so this runs against simulated Krayin and Chatwoot on this machine (nothing leaves it). Configure one to sync for real (docs/configuration.md), or set DEMO=off.';

export function trafficLine(s: TrafficSummary): string {
  return `Demo traffic sent: ${s.contacts} contacts with companies, ${s.conversations} conversations, ${s.replies} agent replies, ${s.resolved} resolved. Watch the records appear in the simulated Krayin.`;
}
