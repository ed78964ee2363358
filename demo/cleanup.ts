/**
 * Teardown of the demo: steps registered as things start, run once in reverse
 * order, whether the demo succeeded, failed or was interrupted.
 */

/** Runs registered teardown steps in reverse order; a failing step is reported and the rest still run. */
export class Cleanup {
  private readonly steps: { name: string; run: () => unknown }[] = [];
  private running?: Promise<void>;

  constructor(private readonly report: (line: string) => void) {}

  /** Registers `run` to undo what was just started; `name` appears in failure messages. */
  add(name: string, run: () => unknown): void {
    this.steps.push({ name, run });
  }

  /** Runs every step once; later calls return the same promise. */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          this.report(`cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.running;
  }
}
