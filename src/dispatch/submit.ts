import type { PoolConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { adoptEarlierJob } from './adopt.js';
import { retryAfter } from './backoff.js';
import { findPool, slurmFor, type DispatchContext } from './context.js';
import { buildJobDescription } from './job-description.js';
import { signLaunchToken } from './launch-token.js';
import type { RunnerRecord, WorkflowJobRecord } from './types.js';

/**
 * Records a runner request for `workflowJob` in state `requested`. Nothing leaves
 * the process here: {@link submitRunner} does that, and reconcile repeats it after a crash.
 */
export function requestRunner(
  context: DispatchContext,
  pool: PoolConfig,
  workflowJob: WorkflowJobRecord,
  clusterUser: string,
  notBefore?: Date,
): RunnerRecord {
  const runner: RunnerRecord = {
    id: context.newRunnerId(),
    pool: pool.name,
    cluster: pool.cluster,
    clusterUser,
    repository: workflowJob.repository,
    installationId: workflowJob.installationId,
    requestedFor: workflowJob.workflowJobId,
    state: 'requested',
    attempts: 0,
    notBefore,
    createdAt: context.now(),
  };
  context.store.insertRunner(runner);
  context.logger.info(
    { runnerId: runner.id, pool: pool.name, workflowJobId: workflowJob.workflowJobId, notBefore },
    'runner requested',
  );
  return runner;
}

/**
 * Submits the Slurm job of a `requested` runner as its cluster user and moves the
 * runner to `submitted`. After a failed attempt it first looks for a job that the
 * attempt created anyway, and adopts it instead of submitting a second. A rejected submission is recorded on the runner with a
 * backoff, and the runner fails once the workflow job has used `runner.maxAttempts`.
 */
export async function submitRunner(context: DispatchContext, runner: RunnerRecord): Promise<void> {
  const { store, logger, observer } = context;
  const pool = findPool(context, runner.pool);
  const workflowJob = store.getWorkflowJob(runner.requestedFor);
  const log = logger.child({ runnerId: runner.id, pool: runner.pool, cluster: runner.cluster, workflowJobId: runner.requestedFor });
  if (!pool || !workflowJob) {
    store.transitionRunner(runner.id, ['requested'], { state: 'failed', endReason: 'pool-removed', endedAt: context.now() });
    log.warn('runner dropped because its pool or workflow job is gone');
    return;
  }

  if (runner.attempts > 0 && !(await noEarlierJob(context, runner, workflowJob, log))) {
    return;
  }

  // The attempt is on disk before the request leaves, so that after a crash between slurmctld
  // accepting the job and the store recording it, the next pass looks for that job first.
  const attempts = runner.attempts + 1;
  store.updateRunner(runner.id, { attempts });
  try {
    const launchToken = await signLaunchToken(launchTokenSettings(context), runner.id, context.now());
    const script = context.batchScript(pool);
    const job = buildJobDescription({ config: context.config, pool, runner, workflowJob, script, launchToken });
    const result = await slurmFor(context, runner.cluster).submit(runner.clusterUser, job);

    store.transitionRunner(runner.id, ['requested'], {
      state: 'submitted',
      slurmJobId: result.jobId,
      attempts,
      submittedAt: context.now(),
      notBefore: undefined,
    });
    observer.submitted(pool.name, pool.cluster);
    log.info({ slurmJobId: result.jobId, clusterUser: runner.clusterUser, warnings: result.warnings }, 'slurm job submitted');
  } catch (error) {
    recordSubmitFailure(context, runner, attempts, error);
  }
}

/**
 * Returns true when no job of an earlier attempt is left to adopt. The kind of the last
 * failure is not stored, and a reply lost after slurmctld accepted the job looks
 * like any other failure, so every resubmission looks first. A failed lookup
 * counts as a failed attempt, which keeps retries bounded by `maxAttempts`.
 */
async function noEarlierJob(context: DispatchContext, runner: RunnerRecord, workflowJob: WorkflowJobRecord, log: Logger): Promise<boolean> {
  try {
    return (await adoptEarlierJob(context, runner, workflowJob, log)) === 'none';
  } catch (error) {
    recordSubmitFailure(context, runner, runner.attempts + 1, error);
    return false;
  }
}

function recordSubmitFailure(context: DispatchContext, runner: RunnerRecord, attempts: number, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const now = context.now();
  const used = previousAttempts(context, runner.requestedFor) + attempts;
  context.observer.submitFailed(runner.pool, runner.cluster, failureClass(error));

  if (used >= context.config.runner.maxAttempts) {
    context.store.updateRunner(runner.id, { attempts, lastError: message });
    context.store.transitionRunner(runner.id, ['requested'], { state: 'failed', endReason: 'submit-failed', endedAt: now });
    context.logger.error(
      { err: error, runnerId: runner.id, pool: runner.pool, cluster: runner.cluster, attempts: used },
      'slurm submission failed; attempts exhausted, the workflow job stays queued',
    );
    return;
  }

  const notBefore = retryAfter(context.backoff, used, now);
  context.store.updateRunner(runner.id, { attempts, lastError: message, notBefore });
  context.logger.warn(
    { err: error, runnerId: runner.id, pool: runner.pool, cluster: runner.cluster, attempts: used, notBefore },
    'slurm submission failed; will retry',
  );
}

/**
 * Counts the submissions already spent on a workflow job by runners that failed,
 * which bounds resubmission by `runner.maxAttempts`.
 */
export function previousAttempts(context: DispatchContext, workflowJobId: number): number {
  return context.store
    .listRunners({ requestedFor: workflowJobId, states: ['failed'] })
    .reduce((sum, runner) => sum + runner.attempts, 0);
}

/** Returns the launch token settings from the config. */
export function launchTokenSettings(context: DispatchContext) {
  return { secret: context.config.runner.launchTokenSecret, lifetimeSeconds: context.config.runner.launchTokenLifetimeSeconds };
}

function failureClass(error: unknown): string {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? `http-${status}` : 'error';
}
