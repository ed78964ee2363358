import { slurmFor, type DispatchContext } from './context.js';
import type { CancelReason } from './observer.js';
import type { RunnerRecord } from './types.js';

/**
 * Cancels a runner that has not taken a workflow job. A runner that has not
 * called back is cancelled in the store first, then in Slurm, so its callback
 * is rejected even if Slurm starts it meanwhile. An idle runner is removed from
 * GitHub first, because GitHub rejects that removal once the runner took a job,
 * and then its Slurm job must keep running. Returns whether the runner was cancelled.
 */
export async function cancelRunner(context: DispatchContext, runner: RunnerRecord, reason: CancelReason): Promise<boolean> {
  const log = context.logger.child({ runnerId: runner.id, pool: runner.pool, cluster: runner.cluster, slurmJobId: runner.slurmJobId });

  if (runner.state === 'configured') {
    const removed = await removeFromGitHub(context, runner);
    if (!removed) {
      return false;
    }
  }

  const cancelled = context.store.transitionRunner(runner.id, [runner.state], {
    state: 'cancelled',
    endReason: reason,
    endedAt: context.now(),
  });
  if (!cancelled) {
    log.info({ reason }, 'runner changed state before it could be cancelled; left alone');
    return false;
  }

  context.observer.cancelled(runner.pool, runner.cluster, reason);
  log.info({ reason, state: runner.state }, 'runner cancelled');
  if (runner.slurmJobId !== undefined) {
    await cancelSlurmJob(context, runner);
  }
  return true;
}

/**
 * Cancels a runner's Slurm job. A failure is logged and left to reconcile, which
 * cancels again every Slurm job that is still active behind an ended runner.
 */
export async function cancelSlurmJob(context: DispatchContext, runner: RunnerRecord): Promise<void> {
  if (runner.slurmJobId === undefined) {
    return;
  }
  try {
    await slurmFor(context, runner.cluster).cancel(runner.clusterUser, runner.slurmJobId);
  } catch (error) {
    context.logger.warn(
      { err: error, runnerId: runner.id, cluster: runner.cluster, slurmJobId: runner.slurmJobId },
      'slurm cancel failed; reconcile will retry',
    );
  }
}

/** Removes an idle runner's registration from GitHub; returns false when GitHub rejected it. */
export async function removeFromGitHub(context: DispatchContext, runner: RunnerRecord): Promise<boolean> {
  if (runner.githubRunnerId === undefined) {
    return true;
  }
  try {
    await context.github.deleteRunner({
      installationId: runner.installationId,
      repository: runner.repository,
      runnerId: runner.githubRunnerId,
    });
    return true;
  } catch (error) {
    context.logger.warn(
      { err: error, runnerId: runner.id, githubRunnerId: runner.githubRunnerId, runnerName: runner.runnerName },
      'github runner removal failed; the runner may have taken a job',
    );
    return false;
  }
}
