/**
 * Shutdown ordering: every part registers its stop as it starts; stopping runs them in reverse, so
 * the HTTP server closes before the workers, the workers before the Temporal connection, and the store
 * and the embedded Temporal last. A failing step is logged and the rest still run.
 */
import type { Logger } from '../logging';

export class ShutdownSteps {
  private readonly steps: (() => Promise<unknown>)[] = [];

  constructor(private readonly log: Logger) {}

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      await step().catch((e: unknown) => this.log.error({ err: e }, 'shutdown step failed'));
    }
  }
}
