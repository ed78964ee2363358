import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import { requestBuckets, waitBuckets } from './buckets.js';

// prom-client calls a metric's `collect` before it serialises the metric; the function
// that fills a gauge is attached after creation, once its data source exists.
const scrapeCollectors = new WeakMap<object, () => void | Promise<void>>();

/** Sets the function that fills `gauge` at scrape time, replacing any earlier one. */
export function setScrapeCollector(gauge: Gauge<string>, collector: () => void | Promise<void>): void {
  scrapeCollectors.set(gauge, collector);
}

/** The pools and clusters known from configuration; their series start at zero. */
export interface MetricsTopology {
  pools: { name: string; cluster: string }[];
  clusters: string[];
}

export interface CreateMetricsOptions {
  /** Pre-creates the series of every pool and cluster, so `rate()` and alerts see them from the start. */
  topology?: MetricsTopology;
  /** Adds Node.js process metrics (`process_*`, `nodejs_*`); on by default. */
  processMetrics?: boolean;
}

/** The app-owned registry and a typed handle for each metric. Metric names are a public interface. */
export interface Metrics {
  registry: Registry;
  queueLatency: Histogram<'pool'>;
  slurmPending: Histogram<'pool' | 'cluster'>;
  runnerStartup: Histogram<'pool'>;
  webhookDeliveries: Counter<'event' | 'action' | 'outcome'>;
  jobsSubmitted: Counter<'pool' | 'cluster'>;
  jobsCancelled: Counter<'pool' | 'cluster' | 'reason'>;
  submitFailures: Counter<'pool' | 'cluster' | 'reason'>;
  unmatchedJobs: Counter<'reason'>;
  slurmRequests: Counter<'cluster' | 'operation' | 'code'>;
  slurmRequestDuration: Histogram<'cluster' | 'operation'>;
  githubRequests: Counter<'operation' | 'code'>;
  githubRateLimitRemaining: Gauge;
  runners: Gauge<'pool' | 'state'>;
  queuedJobs: Gauge<'pool'>;
  callbacks: Counter<'outcome'>;
  clusterUp: Gauge<'cluster'>;
}

/**
 * Creates a fresh registry with every gha-slurm metric. Each call returns its own
 * registry, never prom-client's global one, so several services or tests in one
 * process do not share series.
 */
export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];

  const metrics: Metrics = {
    registry,
    queueLatency: new Histogram({
      name: 'gha_slurm_queue_latency_seconds',
      help: "Time from a workflow job's creation to its start on a gha-slurm runner, from GitHub's timestamps.",
      labelNames: ['pool'],
      buckets: [...waitBuckets],
      registers,
    }),
    slurmPending: new Histogram({
      name: 'gha_slurm_slurm_pending_seconds',
      help: "Time from a Slurm job's submission to its runner's callback.",
      labelNames: ['pool', 'cluster'],
      buckets: [...waitBuckets],
      registers,
    }),
    runnerStartup: new Histogram({
      name: 'gha_slurm_runner_startup_seconds',
      help: "Time from a runner's callback to the start of a workflow job on it.",
      labelNames: ['pool'],
      buckets: [...waitBuckets],
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'gha_slurm_webhook_deliveries_total',
      help: 'Webhook deliveries received, by event, action and outcome.',
      labelNames: ['event', 'action', 'outcome'],
      registers,
    }),
    jobsSubmitted: new Counter({
      name: 'gha_slurm_slurm_jobs_submitted_total',
      help: 'Slurm jobs that slurmctld accepted.',
      labelNames: ['pool', 'cluster'],
      registers,
    }),
    jobsCancelled: new Counter({
      name: 'gha_slurm_slurm_jobs_cancelled_total',
      help: 'Slurm jobs that gha-slurm cancelled, by reason.',
      labelNames: ['pool', 'cluster', 'reason'],
      registers,
    }),
    submitFailures: new Counter({
      name: 'gha_slurm_slurm_submit_failures_total',
      help: 'Slurm job submissions that failed, by reason.',
      labelNames: ['pool', 'cluster', 'reason'],
      registers,
    }),
    unmatchedJobs: new Counter({
      name: 'gha_slurm_unmatched_jobs_total',
      help: 'Queued workflow jobs that no pool or access rule matched, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    slurmRequests: new Counter({
      name: 'gha_slurm_slurm_requests_total',
      help: 'Requests to slurmrestd, by operation and HTTP status (`error` when no response arrived).',
      labelNames: ['cluster', 'operation', 'code'],
      registers,
    }),
    slurmRequestDuration: new Histogram({
      name: 'gha_slurm_slurm_request_duration_seconds',
      help: 'Duration of requests to slurmrestd.',
      labelNames: ['cluster', 'operation'],
      buckets: [...requestBuckets],
      registers,
    }),
    githubRequests: new Counter({
      name: 'gha_slurm_github_requests_total',
      help: 'Requests to the GitHub API, by operation and HTTP status (`error` when no response arrived).',
      labelNames: ['operation', 'code'],
      registers,
    }),
    githubRateLimitRemaining: new Gauge({
      name: 'gha_slurm_github_rate_limit_remaining',
      help: 'Requests left in the current GitHub rate-limit window, from the last response.',
      registers,
    }),
    runners: new Gauge({
      name: 'gha_slurm_runners',
      help: 'Runners that have not ended, by pool and state.',
      labelNames: ['pool', 'state'],
      registers,
      collect() {
        return scrapeCollectors.get(this)?.();
      },
    }),
    queuedJobs: new Gauge({
      name: 'gha_slurm_queued_jobs',
      help: 'Workflow jobs queued for a pool and not yet started.',
      labelNames: ['pool'],
      registers,
      collect() {
        return scrapeCollectors.get(this)?.();
      },
    }),
    callbacks: new Counter({
      name: 'gha_slurm_callbacks_total',
      help: 'Runner callbacks for a JIT configuration, by outcome.',
      labelNames: ['outcome'],
      registers,
    }),
    clusterUp: new Gauge({
      name: 'gha_slurm_cluster_up',
      help: 'Whether the last check of the cluster reached slurmctld through slurmrestd (1) or not (0).',
      labelNames: ['cluster'],
      registers,
    }),
  };

  if (options.processMetrics !== false) addProcessMetrics(registry);
  if (options.topology) initializeSeries(metrics, options.topology);

  return metrics;
}

function initializeSeries(metrics: Metrics, topology: MetricsTopology): void {
  for (const pool of topology.pools) {
    metrics.queueLatency.zero({ pool: pool.name });
    metrics.runnerStartup.zero({ pool: pool.name });
    metrics.slurmPending.zero({ pool: pool.name, cluster: pool.cluster });
    metrics.jobsSubmitted.inc({ pool: pool.name, cluster: pool.cluster }, 0);
  }
}

/**
 * prom-client's per-type gauges `nodejs_active_{handles,requests,resources}` stay.
 * Their `_total` sums are removed because a gauge named `_total` fails
 * `promtool check metrics`. `sum()` over the per-type gauges gives the same number.
 */
function addProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }
}
