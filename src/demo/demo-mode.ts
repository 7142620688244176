/**
 * Whether `start` runs the demo: only when no connection is configured at all (no CONFIG_FILE, no
 * KRAYIN_URL / KRAYIN_TOKEN, no CHATWOOT_* variable) and DEMO does not refuse it. A partly configured
 * connection is never a demo: it is a configuration error that lists everything missing.
 */

/** Variables that configure a connection: any one of them set (not blank) means "a real connection". */
const CONNECTION_VARIABLE = /^(KRAYIN_URL|KRAYIN_TOKEN|CHATWOOT_[A-Z0-9_]+|CONFIG_FILE)$/;

const OFF_WORDS = ['off', 'false', '0', 'no'];
const ON_WORDS = ['on', 'true', '1', 'yes', 'auto'];

export type DemoDecision =
  /** nothing configured: run the demo */
  | { demo: true }
  /** a connection is configured, or DEMO=off: read the configuration as usual */
  | { demo: false }
  /** DEMO has a value we do not know */
  | { demo: false; problem: string };

export function decideDemo(env: NodeJS.ProcessEnv): DemoDecision {
  const switchValue = env.DEMO?.trim().toLowerCase() ?? '';
  if (switchValue !== '' && !OFF_WORDS.includes(switchValue) && !ON_WORDS.includes(switchValue)) {
    return {
      demo: false,
      problem: 'DEMO: must be off (refuse the demo) or on (the default: demo when nothing is configured)',
    };
  }
  if (OFF_WORDS.includes(switchValue)) return { demo: false };
  const configured = Object.entries(env).some(([name, value]) => CONNECTION_VARIABLE.test(name) && value?.trim());
  return configured ? { demo: false } : { demo: true };
}
