import { balancePool } from './balance.js';
import { findPool, type DispatchContext } from './context.js';
import { matchPool } from './labels.js';
import type { RunnerRecord, WorkflowJobEvent, WorkflowJobRecord } from './types.js';

/**
 * Handles `workflow_job.in_progress`. When one of our runners took the job, the
 * runner becomes `busy` and the queue latency is recorded. In either case the
 * pool is balanced again, because a job taken by a runner that is not ours
 * leaves one of our pending runners in surplus, which is cancelled.
 */
export async function handleInProgress(context: DispatchContext, event: WorkflowJobEvent): Promise<void> {
  const { store, logger } = context;
  const known = store.getWorkflowJob(event.workflowJobId);
  const runner = event.runnerName ? store.getRunnerByName(event.runnerName) : undefined;
  const log = logger.child({ deliveryId: event.deliveryId, workflowJobId: event.workflowJobId, runnerName: event.runnerName });
  const poolName = poolOfEvent(context, event, known, runner);
  if (!poolName) {
    log.debug('in_progress of a workflow job that gha-slurm does not run');
    return;
  }

  store.upsertWorkflowJob({
    ...(known ?? workflowJobFrom(event, poolName)),
    state: 'in_progress',
    startedAt: event.startedAt,
    runnerName: event.runnerName,
  });

  if (runner) {
    markBusy(context, runner, event);
  } else {
    log.info({ pool: poolName }, 'workflow job taken by a runner that is not ours');
  }

  const pool = findPool(context, poolName);
  if (pool) {
    await balancePool(context, pool, 'taken-elsewhere');
  }
}

function markBusy(context: DispatchContext, runner: RunnerRecord, event: WorkflowJobEvent): void {
  const busy = context.store.transitionRunner(runner.id, ['submitted', 'configured'], {
    state: 'busy',
    workflowJobId: event.workflowJobId,
    busyAt: context.now(),
  });
  const log = context.logger.child({ runnerId: runner.id, pool: runner.pool, workflowJobId: event.workflowJobId });
  if (!busy) {
    log.info({ state: runner.state }, 'in_progress for a runner that is not idle; state left as is');
    return;
  }

  if (event.startedAt) {
    context.observer.queueLatency(runner.pool, seconds(event.startedAt, event.createdAt));
    if (runner.configuredAt) {
      context.observer.runnerStartup(runner.pool, seconds(event.startedAt, runner.configuredAt));
    }
  }
  log.info({ requestedFor: runner.requestedFor }, 'runner took a workflow job');
}

/**
 * Returns the pool of an event's workflow job: the stored job's, our runner's, or
 * else the pool its labels match. GitHub may deliver `in_progress` or `completed`
 * before `queued`, so a job first seen that way is recorded and its late `queued`
 * submits nothing.
 */
export function poolOfEvent(
  context: DispatchContext,
  event: WorkflowJobEvent,
  known: WorkflowJobRecord | undefined,
  runner: RunnerRecord | undefined,
): string | undefined {
  return known?.pool ?? runner?.pool ?? matchPool(event.labels, context.config.pools)?.name;
}

/** Builds a workflow job record for an event whose `queued` delivery never arrived. */
export function workflowJobFrom(event: WorkflowJobEvent, pool: string): WorkflowJobRecord {
  return {
    workflowJobId: event.workflowJobId,
    runId: event.runId,
    repository: event.repository,
    installationId: event.installationId,
    labels: event.labels,
    pool,
    state: 'queued',
    createdAt: event.createdAt,
  };
}

function seconds(later: Date, earlier: Date): number {
  return Math.max(0, (later.getTime() - earlier.getTime()) / 1000);
}
