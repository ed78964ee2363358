import { choosePool, type PoolChoice } from './access.js';
import { balancePool } from './balance.js';
import type { DispatchContext } from './context.js';
import type { WorkflowJobEvent } from './types.js';

const skipMessages: Record<Extract<PoolChoice, { allowed: false }>['reason'], string> = {
  'no-pool': 'workflow job skipped: no pool carries all its labels',
  'unmapped-repository': 'workflow job skipped: no access rule maps its repository to a cluster user',
  'pool-not-allowed': 'workflow job skipped: the access rule of its repository allows no pool that carries its labels',
};

/**
 * Handles `workflow_job.queued`: finds the pool by labels and the cluster user by
 * repository, records the workflow job, then lets {@link balancePool} request and
 * submit its runner within the pool's `maxRunners`. A job that matches no pool or
 * maps to no cluster user gets one info line and an `unmatched` count, and nothing else.
 */
export async function handleQueued(context: DispatchContext, event: WorkflowJobEvent): Promise<void> {
  const { config, store, observer } = context;
  const log = context.logger.child({ deliveryId: event.deliveryId, workflowJobId: event.workflowJobId, repository: event.repository });

  const choice = choosePool(config, event.repository, event.labels);
  if (!choice.allowed) {
    observer.unmatched(choice.reason);
    log.info({ labels: event.labels, reason: choice.reason }, skipMessages[choice.reason]);
    return;
  }
  const { pool, clusterUser } = choice;

  const stored = store.upsertWorkflowJob({
    workflowJobId: event.workflowJobId,
    runId: event.runId,
    repository: event.repository,
    installationId: event.installationId,
    labels: event.labels,
    pool: pool.name,
    state: 'queued',
    createdAt: event.createdAt,
  });
  if (stored.state !== 'queued') {
    log.info({ state: stored.state }, 'queued event arrived after a later one; nothing to do');
    return;
  }

  log.info({ pool: pool.name, clusterUser }, 'workflow job queued');
  await balancePool(context, pool, 'surplus');
}
