import type { Logger } from '../log.js';
import type { SlurmJob } from '../slurm/types.js';
import { slurmFor, type DispatchContext } from './context.js';
import { isRunnerJob } from './job-description.js';
import { hasEnded } from './slurm-states.js';
import type { RunnerRecord, WorkflowJobRecord } from './types.js';

/**
 * The outcome of looking for a job that an earlier, failed submission of a runner left on the cluster:
 * - `none`: no job, so the runner is submitted again;
 * - `adopted`: a job that has not ended now backs the runner, which is `submitted`;
 * - `ended`: the job ended before calling back, so the runner failed like any ended job.
 */
export type EarlierJobOutcome = 'none' | 'adopted' | 'ended';

/**
 * Looks for a Slurm job that an earlier submission of `runner` created although
 * its reply never arrived (a timeout, a broken connection, a 5xx after slurmctld
 * had accepted it), and settles the runner with it. Without this, a second
 * submission would leave the first job holding a node until it called back and
 * was refused. Call it before submitting a runner that has failed attempts.
 * Throws when Slurm cannot list the jobs: submitting blind could start a second job.
 */
export async function adoptEarlierJob(
  context: DispatchContext,
  runner: RunnerRecord,
  workflowJob: WorkflowJobRecord,
  log: Logger,
): Promise<EarlierJobOutcome> {
  let jobs: SlurmJob[];
  try {
    const listed = await slurmFor(context, runner.cluster).listJobs(runner.clusterUser);
    jobs = listed.filter((job) => isRunnerJob(job, runner, workflowJob));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`listing slurm jobs before a resubmission failed: ${reason}`, { cause: error });
  }

  const active = jobs.filter((job) => !hasEnded(job)).sort((a, b) => a.jobId - b.jobId);
  if (active.length > 0) {
    await adopt(context, runner, active, log);
    return 'adopted';
  }
  const latest = jobs.sort((a, b) => b.jobId - a.jobId)[0];
  if (latest) {
    failWithEndedJob(context, runner, latest, log);
    return 'ended';
  }
  return 'none';
}

/** Backs the runner with the oldest active job and cancels any others, which no callback would accept. */
async function adopt(context: DispatchContext, runner: RunnerRecord, active: SlurmJob[], log: Logger): Promise<void> {
  const [kept, ...extra] = active as [SlurmJob, ...SlurmJob[]];
  const adopted = context.store.transitionRunner(runner.id, ['requested'], {
    state: 'submitted',
    slurmJobId: kept.jobId,
    submittedAt: kept.submitTime ?? context.now(),
    notBefore: undefined,
  });
  if (!adopted) {
    log.info({ slurmJobId: kept.jobId }, 'runner left requested before its earlier slurm job could be adopted');
    return;
  }
  context.observer.submitted(runner.pool, runner.cluster);
  log.warn({ slurmJobId: kept.jobId, slurmState: kept.state, attempts: runner.attempts }, 'adopted the slurm job of a submission whose reply was lost');

  for (const job of extra) {
    try {
      await slurmFor(context, runner.cluster).cancel(runner.clusterUser, job.jobId);
      log.warn({ slurmJobId: job.jobId }, 'cancelled a second slurm job left by a lost submission reply');
    } catch (error) {
      log.warn({ err: error, slurmJobId: job.jobId }, 'cancelling a second slurm job left by a lost submission reply failed');
    }
  }
}

/** Fails the runner because its earlier job ended without calling back, which counts as a failed attempt. */
function failWithEndedJob(context: DispatchContext, runner: RunnerRecord, job: SlurmJob, log: Logger): void {
  context.store.transitionRunner(runner.id, ['requested'], {
    state: 'failed',
    slurmJobId: job.jobId,
    endReason: `slurm-${job.state.toLowerCase()}`,
    endedAt: context.now(),
  });
  log.warn(
    { slurmJobId: job.jobId, slurmState: job.state, stateReason: job.stateReason, exitCode: job.exitCode },
    'slurm job of a submission whose reply was lost ended before its runner took a workflow job',
  );
}
