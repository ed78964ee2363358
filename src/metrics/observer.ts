import { BoundedLabel, callbackOutcomes, deliveryOutcomes, webhookActions, webhookEvents } from './labels.js';
import type { Metrics } from './registry.js';

/** Reasons for cancelling a Slurm job that the metrics know up front; a few others are accepted. */
const cancelReasons = ['idle_timeout', 'job_completed', 'job_cancelled', 'taken_by_other_runner', 'orphaned', 'shutdown'];
/** Reasons for a failed submission known up front; a few others are accepted. */
const submitFailureReasons = ['rejected', 'unreachable', 'auth', 'timeout', 'invalid_request', 'error'];
/** Reasons a queued workflow job matched no pool. */
const unmatchedReasons = ['no_pool', 'no_access_rule', 'pool_not_allowed', 'unknown_cluster'];

/**
 * The decisions and waits that dispatch reports. Every method is synchronous and never
 * throws, so recording a metric can never break dispatch.
 */
export interface DispatchMetrics {
  /** A queued workflow job that no pool or access rule matched. */
  unmatched(reason: string): void;
  submitted(pool: string, cluster: string): void;
  submitFailed(pool: string, cluster: string, reason: string): void;
  cancelled(pool: string, cluster: string, reason: string): void;
  /** Workflow job creation to its start on one of our runners, both from GitHub's timestamps. */
  queueLatency(pool: string, createdAt: Date, startedAt: Date): void;
  /** Slurm submission to the job's callback. */
  slurmPending(pool: string, cluster: string, submittedAt: Date, calledBackAt: Date): void;
  /** Callback to the start of a workflow job on that runner. */
  runnerStartup(pool: string, calledBackAt: Date, startedAt: Date): void;
  callback(outcome: string): void;
  webhookDelivery(event: string, action: string | undefined, outcome: string): void;
}

/**
 * Creates the dispatch hooks over `metrics`. Pools and clusters outside the
 * configured ones map to `other`, so label values stay bounded.
 */
export function createDispatchMetrics(
  metrics: Metrics,
  known: { pools: string[]; clusters: string[] },
): DispatchMetrics {
  const pools = new BoundedLabel(known.pools);
  const clusters = new BoundedLabel(known.clusters);
  const cancel = new BoundedLabel(cancelReasons, 10);
  const submitFailure = new BoundedLabel(submitFailureReasons, 10);
  const unmatched = new BoundedLabel(unmatchedReasons, 5);
  const callbacks = new BoundedLabel(callbackOutcomes, 5);

  const observeWait = (record: (seconds: number) => void, from: Date, to: Date): void => {
    const seconds = (to.getTime() - from.getTime()) / 1000;
    // GitHub's timestamps have one-second resolution and the clocks of GitHub and
    // this host differ, so a small negative gap is possible; it counts as zero.
    if (Number.isFinite(seconds)) record(Math.max(0, seconds));
  };

  return {
    unmatched: (reason) => metrics.unmatchedJobs.inc({ reason: unmatched.map(reason) }),
    submitted: (pool, cluster) => metrics.jobsSubmitted.inc({ pool: pools.map(pool), cluster: clusters.map(cluster) }),
    submitFailed: (pool, cluster, reason) =>
      metrics.submitFailures.inc({ pool: pools.map(pool), cluster: clusters.map(cluster), reason: submitFailure.map(reason) }),
    cancelled: (pool, cluster, reason) =>
      metrics.jobsCancelled.inc({ pool: pools.map(pool), cluster: clusters.map(cluster), reason: cancel.map(reason) }),
    queueLatency: (pool, createdAt, startedAt) =>
      observeWait((s) => metrics.queueLatency.observe({ pool: pools.map(pool) }, s), createdAt, startedAt),
    slurmPending: (pool, cluster, submittedAt, calledBackAt) =>
      observeWait(
        (s) => metrics.slurmPending.observe({ pool: pools.map(pool), cluster: clusters.map(cluster) }, s),
        submittedAt,
        calledBackAt,
      ),
    runnerStartup: (pool, calledBackAt, startedAt) =>
      observeWait((s) => metrics.runnerStartup.observe({ pool: pools.map(pool) }, s), calledBackAt, startedAt),
    callback: (outcome) => metrics.callbacks.inc({ outcome: callbacks.map(outcome) }),
    webhookDelivery: (event, action, outcome) => metrics.webhookDeliveries.inc(deliveryLabels(event, action, outcome)),
  };
}

const webhookEvent = new BoundedLabel(webhookEvents);
const webhookAction = new BoundedLabel(webhookActions);
const deliveryOutcome = new BoundedLabel(deliveryOutcomes);

function deliveryLabels(event: string, action: string | undefined, outcome: string): Record<'event' | 'action' | 'outcome', string> {
  return {
    event: webhookEvent.map(event),
    action: action === undefined ? 'none' : webhookAction.map(action),
    outcome: deliveryOutcome.map(outcome),
  };
}
