import { randomUUID } from 'node:crypto';
import { clusterUserFor } from './config/access.js';
import type { ClusterConfig, Config } from './config/types.js';
import { defaultBackoff, type BackoffPolicy } from './dispatch/backoff.js';
import { loadBatchScripts } from './dispatch/batch-script.js';
import type { DispatchContext, RunnerRegistry } from './dispatch/context.js';
import { createDispatcher, type Dispatcher } from './dispatch/dispatcher.js';
import { createGitHubRunners, parseWorkflowJobEvent } from './github/index.js';
import type { ReadinessCheck } from './http/health.js';
import { startHttp } from './http/server.js';
import { createLogger, type Logger } from './log.js';
import { createServiceMetrics } from './metrics/service.js';
import { createSlurmClient, type SlurmClientOptions } from './slurm/index.js';
import type { SlurmClient } from './slurm/types.js';
import { openStore } from './store/index.js';
import type { Store } from './store/types.js';

/** Replaceable parts of the service, for tests and embedders. */
export interface ServiceOptions {
  logger?: Logger;
  /** The clock of dispatch decisions and launch tokens. */
  now?: () => Date;
  /** `fetch` for GitHub calls, for example one that msw intercepts. */
  githubFetch?: typeof fetch;
  /** `fetch` for slurmrestd calls. */
  slurmFetch?: SlurmClientOptions['fetch'];
  /** Waits between failed submissions of one workflow job. */
  backoff?: BackoffPolicy;
  /** The default batch script file, instead of `runner/batch.sh`. */
  batchScriptPath?: string;
}

/** A running service. */
export interface Service {
  urls: { webhook: string; internal?: string };
  store: Store;
  dispatcher: Dispatcher;
  /** Runs one reconcile pass now, after any pass already running. */
  reconcileNow(): Promise<void>;
  /** Stops the reconcile timer and the listeners, waits for work in progress, then closes the clients and the store. */
  close(): Promise<void>;
}

/**
 * Starts gha-slurm: opens the store, creates a Slurm client per cluster and the
 * GitHub client, starts the listeners and the reconcile loop. The first
 * reconcile pass runs at once, which resumes whatever the store contains from
 * before a restart.
 */
export async function startService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const logger = options.logger ?? createLogger(config.log.level);
  const batchScript = loadBatchScripts(config.pools, options.batchScriptPath);
  const store = openStore(config.store.path);
  const metrics = createServiceMetrics(config);
  metrics.attachStore(store);

  const slurm = new Map(config.clusters.map((cluster) => [cluster.name, slurmClientFor(config, cluster, logger, options, metrics.onSlurmRequest)]));
  const github = createGitHubRunners(config.github, {
    logger: logger.child({ area: 'github' }),
    fetch: options.githubFetch,
    onRequest: metrics.onGitHubRequest,
    onRateLimit: metrics.onGitHubRateLimit,
    // A callback waits for GitHub while the batch script's request (60 s) is open.
    retry: { maxTotalWaitMs: 20_000 },
  });
  const context: DispatchContext = {
    config,
    store,
    slurm,
    github: github satisfies RunnerRegistry,
    observer: metrics.observer,
    logger: logger.child({ area: 'dispatch' }),
    now: options.now ?? (() => new Date()),
    batchScript,
    newRunnerId: randomUUID,
    backoff: options.backoff ?? defaultBackoff,
  };
  const dispatcher = createDispatcher(context, (body, deliveryId) => parseWorkflowJobEvent(deliveryId, body));
  const credentials = { verified: false };

  const closeClients = async () => {
    await Promise.all([...slurm.values()].map((client) => client.close()));
    store.close();
  };

  let http: Awaited<ReturnType<typeof startHttp>>;
  try {
    http = await startHttp({
      server: config.server,
      logger,
      webhook: { secret: config.github.webhookSecret, store, observer: metrics.observer, process: dispatcher.processDelivery },
      callback: { jitConfig: dispatcher.jitConfig },
      registry: metrics.metrics.registry,
      readiness: () => readinessChecks(config, context, dispatcher, credentials.verified),
    });
  } catch (error) {
    // The store and the clients are already open when a listener fails, for example on a port
    // in use. A caller that retries in the same process needs them closed.
    await closeClients();
    throw error;
  }

  const loop = startReconcileLoop(config, logger, async () => {
    if (!credentials.verified) {
      credentials.verified = await verifyGitHub(github, logger);
    }
    await dispatcher.reconcile();
  });
  logger.info({ urls: http.urls, clusters: config.clusters.length, pools: config.pools.length }, 'gha-slurm started');

  return {
    urls: http.urls,
    store,
    dispatcher,
    reconcileNow: loop.runNow,
    close: async () => {
      await loop.stop();
      await http.close();
      await dispatcher.idle();
      await closeClients();
      logger.info('gha-slurm stopped');
    },
  };
}

function slurmClientFor(
  config: Config,
  cluster: ClusterConfig,
  logger: Logger,
  options: ServiceOptions,
  onRequest: SlurmClientOptions['onRequest'],
): SlurmClient {
  // Only users that an access rule maps to this cluster may get a token.
  const allowedUsers = new Set(config.access.map((rule) => clusterUserFor(rule, cluster.name)));
  return createSlurmClient({ cluster, allowedUsers, logger, onRequest, fetch: options.slurmFetch });
}

async function verifyGitHub(github: { verifyCredentials(): Promise<unknown> }, logger: Logger): Promise<boolean> {
  try {
    await github.verifyCredentials();
    return true;
  } catch (error) {
    logger.error({ err: error }, 'github app check failed; err names the cause: network, credentials or installation');
    return false;
  }
}

function readinessChecks(config: Config, context: DispatchContext, dispatcher: Dispatcher, githubVerified: boolean): ReadinessCheck[] {
  const maxAgeSeconds = Math.max(60, 3 * config.reconcileIntervalSeconds);
  const stale = dispatcher.health.stale(context.now(), maxAgeSeconds);
  return [
    { name: 'store', ok: context.store.isHealthy() },
    { name: 'github', ok: githubVerified, detail: githubVerified ? undefined : 'App credentials not verified yet' },
    { name: 'clusters', ok: stale.length === 0, detail: stale.length ? `no answer within ${maxAgeSeconds}s from ${stale.join(', ')}` : undefined },
  ];
}

/** Runs `pass` now and then every `reconcileIntervalSeconds`, never two at once. */
function startReconcileLoop(config: Config, logger: Logger, pass: () => Promise<void>) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const runNow = (): Promise<void> => {
    running = running.then(async () => {
      try {
        await pass();
      } catch (error) {
        logger.error({ err: error }, 'reconcile pass failed');
      }
    });
    return running;
  };
  const schedule = (): void => {
    if (!stopped) {
      timer = setTimeout(() => void runNow().then(schedule), config.reconcileIntervalSeconds * 1000);
    }
  };
  void runNow().then(schedule);

  return {
    runNow,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
