import { balancePool } from './balance.js';
import { findPool, type DispatchContext } from './context.js';
import { poolOfEvent, workflowJobFrom } from './in-progress.js';
import type { WorkflowJobEvent } from './types.js';

/**
 * Handles `workflow_job.completed`. The runner that ran the job is `done`. A job
 * that ended before any runner took it (cancelled, for example) no longer needs
 * a runner, so the pool is balanced and one pending runner is cancelled, its own first.
 */
export async function handleCompleted(context: DispatchContext, event: WorkflowJobEvent): Promise<void> {
  const { store, logger } = context;
  const known = store.getWorkflowJob(event.workflowJobId);
  const runner = event.runnerName ? store.getRunnerByName(event.runnerName) : undefined;
  const log = logger.child({ deliveryId: event.deliveryId, workflowJobId: event.workflowJobId, runnerName: event.runnerName });
  const poolName = poolOfEvent(context, event, known, runner);
  if (!poolName) {
    log.debug('completed workflow job that gha-slurm does not run');
    return;
  }

  store.upsertWorkflowJob({
    ...(known ?? workflowJobFrom(event, poolName)),
    state: 'completed',
    startedAt: event.startedAt ?? known?.startedAt,
    completedAt: event.completedAt,
    conclusion: event.conclusion,
    runnerName: event.runnerName ?? known?.runnerName,
  });

  if (runner) {
    const done = store.transitionRunner(runner.id, ['submitted', 'configured', 'busy'], {
      state: 'done',
      workflowJobId: event.workflowJobId,
      endedAt: context.now(),
    });
    log.info({ runnerId: runner.id, conclusion: event.conclusion, updated: done }, 'runner finished its workflow job');
  } else {
    log.info({ conclusion: event.conclusion, pool: poolName }, 'workflow job ended before one of our runners took it');
  }

  const pool = findPool(context, poolName);
  if (pool) {
    await balancePool(context, pool, event.conclusion === 'cancelled' ? 'workflow-job-cancelled' : 'not-needed');
  }
}
