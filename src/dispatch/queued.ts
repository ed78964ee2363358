import { decideAccess } from './access.js';
import { balancePool } from './balance.js';
import type { DispatchContext } from './context.js';
import { matchPool } from './labels.js';
import type { WorkflowJobEvent } from './types.js';

/**
 * Handles `workflow_job.queued`: finds the pool by labels and the cluster user by
 * repository, records the workflow job, then lets {@link balancePool} request and
 * submit its runner within the pool's `maxRunners`. A job that matches no pool or
 * maps to no cluster user gets one info line and an `unmatched` count, and nothing else.
 */
export async function handleQueued(context: DispatchContext, event: WorkflowJobEvent): Promise<void> {
  const { config, store, observer } = context;
  const log = context.logger.child({ deliveryId: event.deliveryId, workflowJobId: event.workflowJobId, repository: event.repository });

  const pool = matchPool(event.labels, config.pools);
  if (!pool) {
    observer.unmatched('no-pool');
    log.info({ labels: event.labels }, 'workflow job skipped: no pool carries all its labels');
    return;
  }
  const access = decideAccess(config, event.repository, pool);
  if (!access.allowed) {
    observer.unmatched(access.reason);
    const message =
      access.reason === 'unmapped-repository'
        ? 'workflow job skipped: no access rule maps its repository to a cluster user'
        : 'workflow job skipped: the access rule of its repository does not allow the pool';
    log.info({ pool: pool.name, reason: access.reason }, message);
    return;
  }

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

  log.info({ pool: pool.name, clusterUser: access.clusterUser }, 'workflow job queued');
  await balancePool(context, pool, 'surplus');
}
