import type { Config } from '../config/types.js';
import type { DispatchObserver } from '../dispatch/observer.js';

import { githubRateLimitHook, githubRequestHook, slurmRequestHook, type GitHubRequestEvent, type SlurmRequestEvent } from './hooks.js';
import { createDispatchObserver } from './observer.js';
import { createMetrics, type Metrics } from './registry.js';
import { attachStoreGauges, type GaugeSource } from './store-gauges.js';

/** Everything the service wires: the registry, the dispatch observer and the client hooks. */
export interface ServiceMetrics {
  metrics: Metrics;
  observer: DispatchObserver;
  /** The Slurm client's `onRequest` option. */
  onSlurmRequest: (event: SlurmRequestEvent) => void;
  /** The GitHub client's `onRequest` option. */
  onGitHubRequest: (event: GitHubRequestEvent) => void;
  /** The GitHub client's `onRateLimit` option. */
  onGitHubRateLimit: (remaining: number) => void;
  /** Fills `gha_slurm_runners` and `gha_slurm_queued_jobs` from the store at scrape time. */
  attachStore: (source: GaugeSource) => void;
}

/** Creates the metrics of one service for the pools and clusters of `config`. */
export function createServiceMetrics(config: Pick<Config, 'pools' | 'clusters'>): ServiceMetrics {
  const pools = config.pools.map((pool) => pool.name);
  const clusters = config.clusters.map((cluster) => cluster.name);
  const metrics = createMetrics({
    topology: { pools: config.pools.map((pool) => ({ name: pool.name, cluster: pool.cluster })), clusters },
  });

  return {
    metrics,
    observer: createDispatchObserver(metrics, { pools, clusters }),
    onSlurmRequest: slurmRequestHook(metrics, clusters),
    onGitHubRequest: githubRequestHook(metrics),
    onGitHubRateLimit: githubRateLimitHook(metrics),
    attachStore: (source) => attachStoreGauges(metrics, source, pools),
  };
}
