/**
 * The version-neutral model of Slurm that the rest of gha-slurm uses.
 * Per-version adapters translate these to and from slurmrestd bodies.
 */

/** A batch job to submit, in units that do not depend on the API version. */
export interface JobDescription {
  name: string;
  /** The whole batch script, starting with `#!`. */
  script: string;
  /** The job's complete environment; slurmctld requires at least one entry. */
  environment: Record<string, string>;
  partition?: string;
  cpusPerTask?: number;
  /** Memory per node in MiB (Slurm's "MB"). */
  memoryMb?: number;
  timeLimitMinutes?: number;
  account?: string;
  qos?: string;
  /** Generic resources per node, in Slurm's `--gres` syntax, for example `gpu:a100:1`. */
  gres?: string;
  constraint?: string;
  /** Node count. */
  nodes?: number;
  comment?: string;
  workingDirectory: string;
  stdout?: string;
  stderr?: string;
}

/** A job as slurmrestd reports it. */
export interface SlurmJob {
  jobId: number;
  name: string;
  userName: string;
  /** The base state, for example `PENDING`, `RUNNING`, `COMPLETED`, `CANCELLED`, `TIMEOUT`. */
  state: string;
  /** Extra state flags that v0.0.40 and later list beside the base state, for example `COMPLETING`. */
  stateFlags: string[];
  stateReason?: string;
  partition?: string;
  account?: string;
  qos?: string;
  comment?: string;
  cpusPerTask?: number;
  memoryMb?: number;
  timeLimitMinutes?: number;
  /** The batch script's exit code, once the job has ended. */
  exitCode?: number;
  nodes?: string;
  submitTime?: Date;
  startTime?: Date;
  endTime?: Date;
}

/** The version facts that decide which adapter is used. */
export interface SlurmVersionInfo {
  /** The Slurm release, for example `24.11.5`. */
  release: string;
  /** The API version in use, for example `v0.0.42`. */
  apiVersion: string;
  /** Every API version that the daemon serves. */
  servedApiVersions: string[];
}

/** A warning that slurmrestd returned beside a successful reply. */
export interface SlurmWarning {
  source?: string;
  description: string;
}

export interface SubmitResult {
  jobId: number;
  warnings: SlurmWarning[];
}

/**
 * Every call a service makes to one cluster. Each call is made as `user`, with a
 * token for that user only.
 */
export interface SlurmClient {
  readonly cluster: string;
  /**
   * Discovers (once, then cached) the release and the API version in use.
   * slurmrestd needs a token even for this, so it is made as `user`, else as the
   * user of an earlier call, else as the first mapped user by name.
   */
  version(user?: string): Promise<SlurmVersionInfo>;
  /** Checks that slurmctld responds, as `user`. */
  ping(user: string): Promise<void>;
  submit(user: string, job: JobDescription): Promise<SubmitResult>;
  /** Returns undefined when slurmctld no longer has a record of the job. */
  getJob(user: string, jobId: number): Promise<SlurmJob | undefined>;
  /**
   * Lists jobs changed since `since` (all jobs that slurmctld has when omitted).
   * slurmctld filters all or nothing: when any job changed since then it returns
   * every job it has, else none.
   */
  listJobs(user: string, since?: Date): Promise<SlurmJob[]>;
  /** Cancels a job; a job that has already ended counts as success. */
  cancel(user: string, jobId: number, signal?: string): Promise<void>;
  /** Names of partitions, accounts and QOS that exist, for `doctor`. */
  listPartitions(user: string): Promise<string[]>;
  close(): Promise<void>;
}
