import { clusterUserFor } from '../config/access.js';
import type { AccessRule, Config } from '../config/types.js';
import { choosePool } from './access.js';
import { authenticateCallback, issueJitConfig, type CallbackResult } from './callback.js';
import { ClusterHealth } from './cluster-health.js';
import { handleCompleted } from './completed.js';
import { createStorePruner } from './housekeeping.js';
import type { DispatchContext } from './context.js';
import { handleInProgress } from './in-progress.js';
import { matchPool } from './labels.js';
import { handleQueued } from './queued.js';
import { reconcilePool } from './reconcile.js';
import { KeyedSerializer } from './serial.js';
import type { WorkflowJobEvent } from './types.js';

/** Translates a stored `workflow_job` delivery body into an event; throws on a malformed payload. */
export type DeliveryParser = (body: unknown, deliveryId: string) => WorkflowJobEvent;

/** The entry points of dispatch, for the HTTP routes and the reconcile timer. */
export interface Dispatcher {
  /** Processes a recorded `workflow_job` delivery and marks it processed, with the error if one occurred; never rejects. */
  processDelivery(deliveryId: string, body: string): Promise<void>;
  /** Applies one workflow job event. */
  handleEvent(event: WorkflowJobEvent): Promise<void>;
  /** Returns the JIT runner configuration for a Slurm job's callback, or a rejection. */
  jitConfig(token: string, slurmJobId: number): Promise<CallbackResult>;
  /** Runs one reconcile pass over every pool and cluster, then prunes the store if an hour has passed; never rejects. */
  reconcile(): Promise<void>;
  /** When each cluster last replied, for readiness. */
  readonly health: ClusterHealth;
  /** Resolves once every queued task has finished. */
  idle(): Promise<void>;
}

/** Creates the dispatcher; every change to one pool's accounting runs under that pool's lock. */
export function createDispatcher(context: DispatchContext, parseDelivery: DeliveryParser): Dispatcher {
  const lock = new KeyedSerializer();
  const health = new ClusterHealth(context.config.clusters.map((cluster) => cluster.name));
  const inFlight = new Set<string>();
  const pruneStore = createStorePruner(context);

  // The key must name the pool that the handler balances. A queued job may land on
  // an allowed pool that is not the closest match by labels, so it is chosen the same way.
  const poolOf = (event: WorkflowJobEvent): string => {
    if (event.action === 'queued') {
      const choice = choosePool(context.config, event.repository, event.labels);
      return choice.allowed ? choice.pool.name : '';
    }
    const known = context.store.getWorkflowJob(event.workflowJobId)?.pool;
    const byRunner = event.runnerName ? context.store.getRunnerByName(event.runnerName)?.pool : undefined;
    return known ?? byRunner ?? matchPool(event.labels, context.config.pools)?.name ?? '';
  };

  const handleEvent = (event: WorkflowJobEvent): Promise<void> =>
    lock.run(poolOf(event), async () => {
      if (event.action === 'queued') {
        await handleQueued(context, event);
      } else if (event.action === 'in_progress') {
        await handleInProgress(context, event);
      } else if (event.action === 'completed') {
        await handleCompleted(context, event);
      }
    });

  const processDelivery = async (deliveryId: string, body: string): Promise<void> => {
    if (inFlight.has(deliveryId)) {
      return;
    }
    inFlight.add(deliveryId);
    const log = context.logger.child({ deliveryId });
    let failure: string | undefined;
    try {
      await handleEvent(parseDelivery(JSON.parse(body), deliveryId));
    } catch (error) {
      log.error({ err: error }, 'delivery processing failed');
      failure = error instanceof Error ? error.message : String(error);
    }
    try {
      context.store.markDeliveryProcessed(deliveryId, failure);
    } catch (error) {
      log.error({ err: error }, 'marking delivery processed failed; the next reconcile pass processes it again');
    } finally {
      inFlight.delete(deliveryId);
    }
  };

  const jitConfig = async (token: string, slurmJobId: number): Promise<CallbackResult> => {
    const authenticated = await authenticateCallback(context, token);
    if (!('runner' in authenticated)) {
      context.observer.callback(authenticated.outcome);
      context.logger.info({ status: authenticated.status, reason: authenticated.error }, 'callback rejected');
      return authenticated;
    }
    const { runner } = authenticated;
    return lock.run(runner.pool, () => issueJitConfig(context, runner.id, slurmJobId));
  };

  const reconcile = async (): Promise<void> => {
    for (const delivery of context.store.unprocessedDeliveries()) {
      await processDelivery(delivery.deliveryId, delivery.body);
    }
    await pingClusters(context, health);
    for (const pool of context.config.pools) {
      try {
        await lock.run(pool.name, () => reconcilePool(context, pool, health));
      } catch (error) {
        context.logger.error({ err: error, pool: pool.name }, 'reconcile of pool failed');
      }
    }
    pruneStore();
  };

  return { processDelivery, handleEvent, jitConfig, reconcile, health, idle: () => lock.idle() };
}

/** Pings each cluster as a user that the access rules map to it, for readiness. */
async function pingClusters(context: DispatchContext, health: ClusterHealth): Promise<void> {
  for (const cluster of context.config.clusters) {
    const user = pingUser(context.config, cluster.name);
    const client = context.slurm.get(cluster.name);
    if (user === undefined || !client) {
      continue;
    }
    try {
      await client.ping(user);
      health.answered(cluster.name, context.now());
    } catch (error) {
      context.logger.warn({ err: error, cluster: cluster.name }, 'slurm ping failed');
    }
  }
}


/**
 * Returns the user to ping `cluster` as: the user of the first access rule that
 * allows one of the cluster's pools, because only such users need an account
 * there. A cluster that no rule reaches is pinged as the first rule's user.
 */
function pingUser(config: Config, cluster: string): string | undefined {
  const pools = config.pools.filter((pool) => pool.cluster === cluster).map((pool) => pool.name);
  const reaches = (rule: AccessRule) => (rule.pools ?? pools).some((name) => pools.includes(name));
  const rule = config.access.find(reaches) ?? config.access[0];
  return rule ? clusterUserFor(rule, cluster) : undefined;
}
