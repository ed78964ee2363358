/**
 * Watches the demo's Slurm jobs through the project's own Slurm client, as the
 * cluster user that owns each job. It records the submission on the timeline,
 * then every change of state until the job has ended.
 */
import type { SlurmClient, SlurmJob } from '../src/slurm/types.js';
import type { Timeline } from './timeline.js';

/** Poll interval; the demo follows two jobs, so a short interval costs slurmrestd little. */
const pollMs = 150;
const endedStates = new Set(['COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE']);

/** Returns whether slurmctld has finished with `job`: an ended base state and no `COMPLETING` flag. */
export function hasEnded(job: SlurmJob): boolean {
  return endedStates.has(job.state) && !job.stateFlags.includes('COMPLETING');
}

/** Returns whether `job` was submitted for `workflowJobId`, from the comment gha-slurm sets (`job=<id>`). */
export function isJobFor(job: SlurmJob, workflowJobId: number): boolean {
  return new RegExp(`(^|\\s)job=${workflowJobId}(\\s|$)`).test(job.comment ?? '') || job.name.endsWith(`-${workflowJobId}`);
}

/** Polls Slurm in the background for each job it was asked to follow. */
export class SlurmWatcher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly errors = new Set<string>();
  /** Jobs being followed that have not ended yet, by Slurm job id, with their user. */
  private readonly unfinished = new Map<number, string>();
  private stopped = false;

  /** `onSubmitted` runs as soon as the job of a demo job is found, before anything is recorded. */
  constructor(
    private readonly client: SlurmClient,
    private readonly timeline: Timeline,
    private readonly onSubmitted: (label: string, slurmJobId: number) => void = () => undefined,
  ) {}

  /**
   * Looks, until stopped, for the Slurm job of `user` that was submitted for
   * `workflowJobId`; records `slurm-submitted` and then each state as `slurm-state`.
   */
  follow(label: string, user: string, workflowJobId: number): void {
    const find = async (): Promise<void> => {
      const job = (await this.client.listJobs(user)).find((candidate) => isJobFor(candidate, workflowJobId));
      if (!job) return this.schedule(find);

      this.onSubmitted(label, job.jobId);
      this.timeline.record({
        job: label,
        step: 'slurm-submitted',
        text: `Slurm job ${job.jobId} submitted: user ${job.userName}, partition ${job.partition ?? '(default)'}, ${job.cpusPerTask ?? '?'} CPU, ${job.timeLimitMinutes ?? '?'} min`,
        data: { jobId: job.jobId, user: job.userName, partition: job.partition },
      });
      this.track(label, user, job.jobId);
    };
    this.schedule(find, 0);
  }

  /** Cancels the followed jobs that have not ended, so that a failed demo leaves nothing running. */
  async cancelUnfinished(): Promise<void> {
    for (const [jobId, user] of this.unfinished) {
      await this.client.cancel(user, jobId);
      this.unfinished.delete(jobId);
    }
  }

  /** Stops every poll. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private track(label: string, user: string, jobId: number): void {
    let last = '';
    this.unfinished.set(jobId, user);
    const poll = async (): Promise<void> => {
      const job = await this.client.getJob(user, jobId);
      if (!job) {
        this.unfinished.delete(jobId);
        this.timeline.record({ job: label, step: 'slurm-gone', text: `Slurm job ${jobId} is no longer known to slurmctld` });
        return;
      }

      const seen = [job.state, ...job.stateFlags].join('+');
      if (seen !== last) {
        last = seen;
        const reason = job.stateReason && job.stateReason !== 'None' ? ` (reason ${job.stateReason})` : '';
        const where = job.state === 'RUNNING' && job.nodes ? ` on ${job.nodes}` : '';
        const exit = hasEnded(job) && job.exitCode !== undefined ? `, exit code ${job.exitCode}` : '';
        this.timeline.record({
          job: label,
          step: 'slurm-state',
          text: `Slurm job ${jobId} ${seen}${where}${reason}${exit}`,
          data: { jobId, state: job.state, ended: hasEnded(job), reason: job.stateReason, exitCode: job.exitCode },
        });
      }
      if (hasEnded(job)) this.unfinished.delete(jobId);
      else this.schedule(poll);
    };
    this.schedule(poll, 0);
  }

  /** Runs `task` after `delayMs`; a failure is shown once per message and the task is retried. */
  private schedule(task: () => Promise<void>, delayMs = pollMs): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task().catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (!this.errors.has(message)) {
          this.errors.add(message);
          this.timeline.record({ job: 'slurm', step: 'slurm-error', text: `Slurm query failed, retrying: ${message}` });
        }
        this.schedule(task);
      });
    }, delayMs);
    this.timers.add(timer);
  }
}
