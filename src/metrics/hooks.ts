import { BoundedLabel, statusCodeLabel } from './labels.js';
import type { Metrics } from './registry.js';

/** The event that the Slurm client reports after each request to slurmrestd. */
export interface SlurmRequestEvent {
  cluster: string;
  /** The client's own operation name, for example `submit` or `getJob`. */
  operation: string;
  /** HTTP status; undefined when no response arrived. */
  status?: number;
  durationSeconds: number;
}

/** The event that the GitHub client reports after each request. */
export interface GitHubRequestEvent {
  operation: string;
  /** HTTP status; undefined when no response arrived. */
  status?: number;
}

const slurmOperations = [
  'version',
  'ping',
  'submit',
  'getJob',
  'listJobs',
  'cancel',
  'listPartitions',
  'listAccounts',
  'listQos',
  'diag',
];

const githubOperations = [
  'getApp',
  'listInstallations',
  'getInstallationToken',
  'generateJitConfig',
  'getRunner',
  'deleteRunner',
  'listRunners',
  'getWorkflowJob',
  'redeliver',
];

/**
 * Creates the Slurm client's `onRequest` hook. Any HTTP response marks the cluster
 * up, except 502 and 504, which slurmrestd (23.11 and later) returns when it cannot
 * reach slurmctld. A request without a response marks it down.
 */
export function slurmRequestHook(metrics: Metrics, clusters: string[]): (event: SlurmRequestEvent) => void {
  const cluster = new BoundedLabel(clusters);
  const operation = new BoundedLabel(slurmOperations, 10);

  return (event) => {
    const labels = { cluster: cluster.map(event.cluster), operation: operation.map(event.operation) };
    metrics.slurmRequests.inc({ ...labels, code: statusCodeLabel(event.status) });
    if (Number.isFinite(event.durationSeconds)) {
      metrics.slurmRequestDuration.observe(labels, Math.max(0, event.durationSeconds));
    }

    const reachedController = event.status !== undefined && event.status !== 502 && event.status !== 504;
    metrics.clusterUp.set({ cluster: labels.cluster }, reachedController ? 1 : 0);
  };
}

/** Creates the GitHub client's `onRequest` hook. */
export function githubRequestHook(metrics: Metrics): (event: GitHubRequestEvent) => void {
  const operation = new BoundedLabel(githubOperations, 10);
  return (event) => {
    metrics.githubRequests.inc({ operation: operation.map(event.operation), code: statusCodeLabel(event.status) });
  };
}

/** Creates the GitHub client's `onRateLimit` hook, fed from `x-ratelimit-remaining`. */
export function githubRateLimitHook(metrics: Metrics): (remaining: number) => void {
  return (remaining) => {
    if (Number.isFinite(remaining)) metrics.githubRateLimitRemaining.set(remaining);
  };
}
