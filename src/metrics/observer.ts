import type {
  CallbackOutcome,
  CancelReason,
  DeliveryOutcome,
  DispatchObserver,
  UnmatchedReason,
} from '../dispatch/observer.js';

import { BoundedLabel, webhookActions, webhookEvents } from './labels.js';
import type { Metrics } from './registry.js';

// The typed lists make `tsc` fail when dispatch adds a value that is missing here.
const unmatchedReasons: Record<UnmatchedReason, true> = { 'no-pool': true, 'unmapped-repository': true, 'pool-not-allowed': true };
const cancelReasons: Record<CancelReason, true> = {
  surplus: true,
  'workflow-job-cancelled': true,
  'taken-elsewhere': true,
  'idle-timeout': true,
  'not-needed': true,
};
const callbackOutcomes: Record<CallbackOutcome, true> = {
  configured: true,
  'invalid-token': true,
  'already-used': true,
  'not-needed': true,
  'job-mismatch': true,
  'github-error': true,
};
const deliveryOutcomes: Record<DeliveryOutcome, true> = {
  accepted: true,
  duplicate: true,
  ignored: true,
  ping: true,
  'invalid-signature': true,
  'invalid-request': true,
  'too-large': true,
};

/** The maximum wait recorded; larger values come from a wrong timestamp, not a real wait. */
const maxWaitSeconds = 30 * 86400;

/**
 * Creates the dispatch observer that records into `metrics`. Pools and clusters
 * outside `known` map to `other`, and submit-failure reasons are bounded to a few
 * distinct short words, so label values stay bounded. No method throws.
 */
export function createDispatchObserver(
  metrics: Metrics,
  known: { pools: string[]; clusters: string[] },
): DispatchObserver {
  const pools = new BoundedLabel(known.pools);
  const clusters = new BoundedLabel(known.clusters);
  const submitFailure = new BoundedLabel([], 20);
  const events = new BoundedLabel(webhookEvents);
  const actions = new BoundedLabel(webhookActions);
  const fixed = (values: Record<string, true>) => new BoundedLabel(Object.keys(values));
  const unmatched = fixed(unmatchedReasons);
  const cancel = fixed(cancelReasons);
  const callbacks = fixed(callbackOutcomes);
  const outcomes = fixed(deliveryOutcomes);

  const wait = (seconds: number): number | undefined => {
    if (!Number.isFinite(seconds) || seconds > maxWaitSeconds) return undefined;
    // GitHub's timestamps have one-second resolution and its clock and this host's
    // differ, so a small negative gap is possible; it counts as zero.
    return Math.max(0, seconds);
  };

  return {
    unmatched: (reason) => metrics.unmatchedJobs.inc({ reason: unmatched.map(reason) }),
    submitted: (pool, cluster) => metrics.jobsSubmitted.inc({ pool: pools.map(pool), cluster: clusters.map(cluster) }),
    submitFailed: (pool, cluster, reason) =>
      metrics.submitFailures.inc({ pool: pools.map(pool), cluster: clusters.map(cluster), reason: submitFailure.map(reason) }),
    cancelled: (pool, cluster, reason) =>
      metrics.jobsCancelled.inc({ pool: pools.map(pool), cluster: clusters.map(cluster), reason: cancel.map(reason) }),
    queueLatency: (pool, seconds) => {
      const value = wait(seconds);
      if (value !== undefined) metrics.queueLatency.observe({ pool: pools.map(pool) }, value);
    },
    slurmPending: (pool, cluster, seconds) => {
      const value = wait(seconds);
      if (value !== undefined) metrics.slurmPending.observe({ pool: pools.map(pool), cluster: clusters.map(cluster) }, value);
    },
    runnerStartup: (pool, seconds) => {
      const value = wait(seconds);
      if (value !== undefined) metrics.runnerStartup.observe({ pool: pools.map(pool) }, value);
    },
    callback: (outcome) => metrics.callbacks.inc({ outcome: callbacks.map(outcome) }),
    delivery: (event, action, outcome) =>
      metrics.webhookDeliveries.inc({
        event: events.map(event),
        action: action === '' ? 'none' : actions.map(action),
        outcome: outcomes.map(outcome),
      }),
  };
}
