/**
 * The project's own model of work, shared by dispatch, the store and the
 * translators in `http` and `github`. No webhook payload or slurmrestd body
 * crosses into dispatch; they are translated to these types first.
 */

/** A `workflow_job` event, translated from GitHub's payload. */
export interface WorkflowJobEvent {
  deliveryId: string;
  action: 'queued' | 'in_progress' | 'completed' | 'waiting';
  workflowJobId: number;
  runId: number;
  /** `owner/name`. */
  repository: string;
  installationId: number;
  labels: string[];
  /** GitHub's `created_at` of the workflow job. */
  createdAt: Date;
  /** GitHub's `started_at`, present from `in_progress` on. */
  startedAt?: Date;
  completedAt?: Date;
  /** `success`, `failure`, `cancelled`, `skipped`; present on `completed`. */
  conclusion?: string;
  /** The runner that took the job; present from `in_progress` on. */
  runnerName?: string;
  workflowName?: string;
  jobName?: string;
  headBranch?: string;
}

/** The state of a workflow job, as far as gha-slurm has seen. States only move forward. */
export type WorkflowJobState = 'queued' | 'in_progress' | 'completed';

/**
 * The state of one runner (one Slurm job). States only move forward, in this order,
 * except that `failed` and `cancelled` may follow any state before `done`.
 *
 * - `requested`: recorded, not yet accepted by slurmctld (a crash here is repaired by reconcile);
 * - `submitted`: slurmctld has the job; it may be pending or starting;
 * - `configured`: the job called back and received its JIT configuration (runner is idle);
 * - `busy`: the runner took a workflow job;
 * - `done`: the runner finished its one job;
 * - `failed`: the Slurm job ended or could not be submitted before the runner took a job;
 * - `cancelled`: gha-slurm cancelled the Slurm job.
 */
export type RunnerState = 'requested' | 'submitted' | 'configured' | 'busy' | 'done' | 'failed' | 'cancelled';

export interface WorkflowJobRecord {
  workflowJobId: number;
  runId: number;
  repository: string;
  installationId: number;
  labels: string[];
  pool: string;
  state: WorkflowJobState;
  createdAt: Date;
  startedAt?: Date;
  completedAt?: Date;
  conclusion?: string;
  /** Name of the runner that took it, once known. */
  runnerName?: string;
}

export interface RunnerRecord {
  /** Our id: also the launch token's `jti`. */
  id: string;
  pool: string;
  cluster: string;
  /** The cluster user the Slurm job runs as. */
  clusterUser: string;
  repository: string;
  installationId: number;
  /** The workflow job this runner was submitted for; it may take another one of the same pool. */
  requestedFor: number;
  /** The workflow job it took, once `busy`. */
  workflowJobId?: number;
  state: RunnerState;
  slurmJobId?: number;
  /** Deterministic: `<prefix>-<cluster>-<slurmJobId>`, set when the job calls back. */
  runnerName?: string;
  /** GitHub's runner id, from the JIT configuration reply. */
  githubRunnerId?: number;
  /** Submit attempts so far, for the bounded resubmission of failed jobs. */
  attempts: number;
  /** Earliest time reconcile may resubmit or retry, after a backoff. */
  notBefore?: Date;
  lastError?: string;
  /** Reason for `failed` or `cancelled`. */
  endReason?: string;
  createdAt: Date;
  submittedAt?: Date;
  configuredAt?: Date;
  busyAt?: Date;
  endedAt?: Date;
}
