/**
 * The demo's timeline: every step that the stand-ins, the Slurm watcher and the
 * scenario observe is recorded here once, printed as one line, and can be awaited.
 */

/** One observed step of a demo job. */
export interface TimelineEvent {
  /** The demo job this step belongs to (`job 1`, `job 2`), or `github` for API calls of no job. */
  job: string;
  /** Machine-readable step name that waits match on, for example `slurm-state`. */
  step: string;
  /** Human-readable text printed after the job column. */
  text: string;
  /** Extra values that a wait may read, for example the Slurm job id. */
  data?: Record<string, unknown>;
  /** Whether to print the line; API calls are printed only in verbose mode. */
  quiet?: boolean;
}

/** Raised when a step did not happen within its bounded wait. */
export class StepTimeoutError extends Error {
  constructor(
    readonly job: string,
    readonly stepDescription: string,
    readonly timeoutMs: number,
  ) {
    super(`${job}: timed out after ${timeoutMs / 1000} s waiting for ${stepDescription}`);
    this.name = 'StepTimeoutError';
  }
}

interface Waiter {
  match: (event: TimelineEvent) => boolean;
  resolve: (event: TimelineEvent) => void;
}

/** Records, prints and waits for demo steps; the clock starts per job at its first delivery. */
export class Timeline {
  private readonly events: TimelineEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly startTimes = new Map<string, number>();

  constructor(
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly verbose = false,
  ) {}

  /** Starts the clock of `job`; later lines of that job show the time since this call. */
  startClock(job: string): void {
    this.startTimes.set(job, performance.now());
  }

  /** Records `event`, prints it and resolves every wait that it matches. */
  record(event: TimelineEvent): void {
    this.events.push(event);
    if (!event.quiet || this.verbose) this.write(this.format(event));

    for (const waiter of [...this.waiters]) {
      if (!waiter.match(event)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(event);
    }
  }

  /**
   * Waits for the first event, past or future, of `job` and `step` that passes `filter`.
   * Rejects with StepTimeoutError after `timeoutMs`.
   */
  waitFor(
    job: string,
    step: string,
    description: string,
    timeoutMs: number,
    filter: (event: TimelineEvent) => boolean = () => true,
  ): Promise<TimelineEvent> {
    const match = (event: TimelineEvent): boolean => event.job === job && event.step === step && filter(event);
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);

    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new StepTimeoutError(job, description, timeoutMs));
      }, timeoutMs);
      // A pending wait must not keep the process alive on its own.
      timer.unref();
      this.waiters.add(waiter);
    });
  }

  /** Returns whether `job` has recorded `step`. */
  has(job: string, step: string): boolean {
    return this.events.some((event) => event.job === job && event.step === step);
  }

  private format(event: TimelineEvent): string {
    // Lines of no demo job, such as API calls, take the clock of the latest job.
    const start = this.startTimes.get(event.job) ?? [...this.startTimes.values()].at(-1);
    const elapsed = start === undefined ? '' : `+${((performance.now() - start) / 1000).toFixed(3)}s`;
    return `${elapsed.padStart(10)}  ${event.job.padEnd(7)}  ${event.text}`;
  }
}
