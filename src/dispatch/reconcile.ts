import type { PoolConfig } from '../config/types.js';
import { balancePool } from './balance.js';
import { cancelRunner, cancelSlurmJob, removeFromGitHub } from './cancel.js';
import type { ClusterHealth } from './cluster-health.js';
import { slurmFor, type DispatchContext } from './context.js';
import type { SlurmJob } from '../slurm/types.js';
import { hasEnded } from './slurm-states.js';
import type { RunnerRecord } from './types.js';

/**
 * How long reconcile waits after the Slurm job of an idle runner ended before it
 * judges the runner, because the webhooks of a short workflow job may arrive
 * after the runner has already exited.
 */
const webhookGraceMs = 60 * 1000;
/** How long after a runner ended reconcile still checks that its Slurm job is gone. */
const endedCheckWindowMs = 60 * 60 * 1000;

/**
 * Runs one reconcile pass over a pool, under the pool's lock. It compares the
 * store with Slurm: runners whose Slurm job ended before they took a workflow
 * job fail, and busy runners whose job ended are done. Slurm jobs still active
 * behind ended runners are cancelled again. Idle runners past the pool's
 * `idleTimeoutSeconds` are removed. Last, the pool is balanced, which submits
 * missing, retried and stuck runners and cancels surplus ones. Each step reads
 * the store afresh, so a pass repeated or interrupted leaves the same result.
 */
export async function reconcilePool(context: DispatchContext, pool: PoolConfig, health: ClusterHealth): Promise<void> {
  await refreshFromSlurm(context, pool, health);
  await removeIdleRunners(context, pool);
  await balancePool(context, pool, 'surplus');
}

async function refreshFromSlurm(context: DispatchContext, pool: PoolConfig, health: ClusterHealth): Promise<void> {
  const now = context.now().getTime();
  const runners = context.store
    .listRunners({ pool: pool.name, states: ['submitted', 'configured', 'busy', 'cancelled', 'failed'] })
    .filter((runner) => runner.slurmJobId !== undefined)
    .filter((runner) => !runner.endedAt || now - runner.endedAt.getTime() < endedCheckWindowMs);

  for (const runner of runners) {
    let job: SlurmJob | undefined;
    try {
      job = await slurmFor(context, runner.cluster).getJob(runner.clusterUser, runner.slurmJobId!);
      health.answered(runner.cluster, context.now());
    } catch (error) {
      context.logger.warn({ err: error, runnerId: runner.id, cluster: runner.cluster, slurmJobId: runner.slurmJobId }, 'slurm job lookup failed');
      continue;
    }
    await applySlurmState(context, runner, job);
  }
}

async function applySlurmState(context: DispatchContext, runner: RunnerRecord, job: SlurmJob | undefined): Promise<void> {
  const ended = hasEnded(job);
  const log = context.logger.child({ runnerId: runner.id, pool: runner.pool, cluster: runner.cluster, slurmJobId: runner.slurmJobId });
  const endReason = job ? `slurm-${job.state.toLowerCase()}` : 'slurm-job-unknown';

  if (!ended) {
    if (runner.state === 'cancelled' || runner.state === 'failed') {
      log.info({ state: runner.state, slurmState: job?.state }, 'slurm job still active behind an ended runner; cancelling again');
      await cancelSlurmJob(context, runner);
    }
    return;
  }

  if (runner.state === 'configured' && job && withinWebhookGrace(context, job)) {
    return;
  }
  if (runner.state === 'configured' && job?.state === 'COMPLETED' && (job.exitCode ?? 0) === 0) {
    // A runner exits 0 after its one job, so its webhooks may be the part that is missing.
    context.store.transitionRunner(runner.id, ['configured'], { state: 'done', endReason: 'slurm-completed-without-webhook', endedAt: context.now() });
    log.warn({ slurmState: job.state }, 'runner finished but no in_progress webhook named it');
  } else if (runner.state === 'submitted' || runner.state === 'configured') {
    context.store.transitionRunner(runner.id, [runner.state], { state: 'failed', endReason, endedAt: context.now() });
    log.warn({ slurmState: job?.state, stateReason: job?.stateReason, exitCode: job?.exitCode }, 'slurm job ended before its runner took a workflow job');
    if (runner.state === 'configured') {
      await removeFromGitHub(context, runner);
    }
  } else if (runner.state === 'busy') {
    context.store.transitionRunner(runner.id, ['busy'], { state: 'done', endReason, endedAt: context.now() });
    log.info({ slurmState: job?.state }, 'slurm job of a busy runner ended');
  }
}

async function removeIdleRunners(context: DispatchContext, pool: PoolConfig): Promise<void> {
  const deadline = context.now().getTime() - pool.idleTimeoutSeconds * 1000;
  const idle = context.store
    .listRunners({ pool: pool.name, states: ['configured'] })
    .filter((runner) => (runner.configuredAt ?? runner.createdAt).getTime() < deadline);
  for (const runner of idle) {
    await cancelRunner(context, runner, 'idle-timeout');
  }
}

function withinWebhookGrace(context: DispatchContext, job: SlurmJob): boolean {
  return job.endTime !== undefined && context.now().getTime() - job.endTime.getTime() < webhookGraceMs;
}
