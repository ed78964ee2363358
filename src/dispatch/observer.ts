/**
 * Hooks that dispatch and the HTTP routes call at each decision or external call,
 * so that metrics live outside the rules. `src/metrics/` implements them with
 * prom-client; tests and library users take {@link noopObserver}.
 */

/** The reason a queued workflow job got no Slurm job. */
export type UnmatchedReason = 'no-pool' | 'unmapped-repository' | 'pool-not-allowed';

/** The reason gha-slurm cancelled a Slurm job. */
export type CancelReason = 'surplus' | 'workflow-job-cancelled' | 'taken-elsewhere' | 'idle-timeout' | 'not-needed';

/** The outcome of one `POST /runners/jit-config` request. */
export type CallbackOutcome =
  | 'configured'
  | 'invalid-token'
  | 'already-used'
  | 'not-needed'
  | 'job-mismatch'
  | 'github-error';

/** The outcome of one webhook delivery, as returned to GitHub. */
export type DeliveryOutcome =
  | 'accepted'
  | 'duplicate'
  | 'ignored'
  | 'ping'
  | 'invalid-signature'
  | 'invalid-request'
  | 'too-large';

export interface DispatchObserver {
  /** A queued workflow job that gha-slurm will not run. */
  unmatched(reason: UnmatchedReason): void;
  /** slurmctld accepted a batch job. */
  submitted(pool: string, cluster: string): void;
  /** slurmctld or slurmrestd rejected a submission; `reason` is a short class such as `http-500`. */
  submitFailed(pool: string, cluster: string, reason: string): void;
  cancelled(pool: string, cluster: string, reason: CancelReason): void;
  /** Seconds from GitHub's `created_at` to `started_at` of a workflow job that one of our runners took. */
  queueLatency(pool: string, seconds: number): void;
  /** Seconds a Slurm job waited between submission and its callback. */
  slurmPending(pool: string, cluster: string, seconds: number): void;
  /** Seconds from a runner's callback to GitHub's `started_at` of the job it took. */
  runnerStartup(pool: string, seconds: number): void;
  callback(outcome: CallbackOutcome): void;
  /** One webhook delivery; `action` is empty when the payload has none. */
  delivery(event: string, action: string, outcome: DeliveryOutcome): void;
}

/** An observer that records nothing. */
export const noopObserver: DispatchObserver = {
  unmatched: () => {},
  submitted: () => {},
  submitFailed: () => {},
  cancelled: () => {},
  queueLatency: () => {},
  slurmPending: () => {},
  runnerStartup: () => {},
  callback: () => {},
  delivery: () => {},
};
