import { describe, expect, it } from 'vitest';

import {
  createDispatchObserver,
  createMetrics,
  githubRateLimitHook,
  githubRequestHook,
  slurmRequestHook,
  type Metrics,
} from '../../../src/metrics/index.js';

/** Returns the one sample of `name` (a series name such as `x_bucket`) whose labels include `labels`. */
async function value(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const samples = (await metrics.registry.getMetricsAsJSON()).flatMap((metric) =>
    metric.values.map((sample) => ({ ...sample, series: (sample as { metricName?: string }).metricName ?? metric.name })),
  );
  const matches = samples.filter(
    (sample) =>
      sample.series === name &&
      Object.entries(labels).every(([key, expected]) => String(sample.labels[key]) === expected),
  );
  expect(matches.length, `${name} ${JSON.stringify(labels)} matches one sample`).toBeLessThanOrEqual(1);
  return matches[0]?.value;
}

function setup() {
  const metrics = createMetrics({ processMetrics: false });
  const dispatch = createDispatchObserver(metrics, { pools: ['cpu', 'gpu'], clusters: ['hpc1'] });
  return { metrics, dispatch };
}

describe('dispatch metrics', () => {
  it('counts submissions per pool and cluster', async () => {
    const { metrics, dispatch } = setup();
    dispatch.submitted('cpu', 'hpc1');
    dispatch.submitted('cpu', 'hpc1');
    dispatch.submitted('gpu', 'hpc1');

    expect(await value(metrics, 'gha_slurm_slurm_jobs_submitted_total', { pool: 'cpu', cluster: 'hpc1' })).toBe(2);
    expect(await value(metrics, 'gha_slurm_slurm_jobs_submitted_total', { pool: 'gpu', cluster: 'hpc1' })).toBe(1);
  });

  it('records queue latency from timestamps', async () => {
    const { metrics, dispatch } = setup();
    dispatch.queueLatency('cpu', 90);

    expect(await value(metrics, 'gha_slurm_queue_latency_seconds_sum', { pool: 'cpu' })).toBe(90);
    expect(await value(metrics, 'gha_slurm_queue_latency_seconds_bucket', { pool: 'cpu', le: '60' })).toBe(0);
    expect(await value(metrics, 'gha_slurm_queue_latency_seconds_bucket', { pool: 'cpu', le: '120' })).toBe(1);
  });

  it('counts a negative clock gap as zero', async () => {
    const { metrics, dispatch } = setup();
    dispatch.runnerStartup('cpu', -1);

    expect(await value(metrics, 'gha_slurm_runner_startup_seconds_sum', { pool: 'cpu' })).toBe(0);
    expect(await value(metrics, 'gha_slurm_runner_startup_seconds_count', { pool: 'cpu' })).toBe(1);
  });

  it('records Slurm pending time per cluster', async () => {
    const { metrics, dispatch } = setup();
    dispatch.slurmPending('gpu', 'hpc1', 7200);

    expect(await value(metrics, 'gha_slurm_slurm_pending_seconds_bucket', { pool: 'gpu', cluster: 'hpc1', le: '3600' })).toBe(0);
    expect(await value(metrics, 'gha_slurm_slurm_pending_seconds_bucket', { pool: 'gpu', cluster: 'hpc1', le: '7200' })).toBe(1);
  });

  it('maps an unknown pool to other', async () => {
    const { metrics, dispatch } = setup();
    dispatch.submitFailed('octo-org/secret-repo', 'hpc1', 'http-500');

    expect(await value(metrics, 'gha_slurm_slurm_submit_failures_total', { pool: 'other', reason: 'http-500' })).toBe(1);
  });

  it('bounds submit failure reasons', async () => {
    const { metrics, dispatch } = setup();
    for (let i = 0; i < 30; i++) dispatch.submitFailed('cpu', 'hpc1', `http-${500 + i}`);
    dispatch.submitFailed('cpu', 'hpc1', 'Job violates accounting/QOS policy');
    const series = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'gha_slurm_slurm_submit_failures_total');

    expect(series?.values.length).toBe(21);
    expect(await value(metrics, 'gha_slurm_slurm_submit_failures_total', { reason: 'other' })).toBe(11);
  });

  it('labels deliveries without an action as none', async () => {
    const { metrics, dispatch } = setup();
    dispatch.delivery('ping', '', 'ping');
    dispatch.delivery('push', 'created', 'ignored');

    expect(await value(metrics, 'gha_slurm_webhook_deliveries_total', { event: 'ping', action: 'none', outcome: 'ping' })).toBe(1);
    expect(await value(metrics, 'gha_slurm_webhook_deliveries_total', { event: 'other', action: 'created', outcome: 'ignored' })).toBe(1);
  });

  it('ignores an impossible wait', async () => {
    const { metrics, dispatch } = setup();
    dispatch.queueLatency('cpu', Number.NaN);
    dispatch.queueLatency('cpu', 365 * 86400);

    expect(await value(metrics, 'gha_slurm_queue_latency_seconds_count', { pool: 'cpu' })).toBeUndefined();
  });

  it('counts callbacks and unmatched jobs', async () => {
    const { metrics, dispatch } = setup();
    dispatch.callback('configured');
    dispatch.callback('already-used');
    dispatch.unmatched('no-pool');

    expect(await value(metrics, 'gha_slurm_callbacks_total', { outcome: 'already-used' })).toBe(1);
    expect(await value(metrics, 'gha_slurm_unmatched_jobs_total', { reason: 'no-pool' })).toBe(1);
  });
});

describe('client hooks', () => {
  it('records a Slurm request and marks the cluster up', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const hook = slurmRequestHook(metrics, ['hpc1']);
    hook({ cluster: 'hpc1', operation: 'submit', status: 200, durationSeconds: 0.03 });

    expect(await value(metrics, 'gha_slurm_slurm_requests_total', { cluster: 'hpc1', operation: 'submit', code: '200' })).toBe(1);
    expect(await value(metrics, 'gha_slurm_slurm_request_duration_seconds_bucket', { operation: 'submit', le: '0.05' })).toBe(1);
    expect(await value(metrics, 'gha_slurm_cluster_up', { cluster: 'hpc1' })).toBe(1);
  });

  it('marks a cluster down when no response arrives', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const hook = slurmRequestHook(metrics, ['hpc1']);
    hook({ cluster: 'hpc1', operation: 'ping', status: 200, durationSeconds: 0.01 });
    hook({ cluster: 'hpc1', operation: 'ping', durationSeconds: 10 });

    expect(await value(metrics, 'gha_slurm_slurm_requests_total', { operation: 'ping', code: 'error' })).toBe(1);
    expect(await value(metrics, 'gha_slurm_cluster_up', { cluster: 'hpc1' })).toBe(0);
  });

  it('marks a cluster down on 502 from slurmrestd', async () => {
    const metrics = createMetrics({ processMetrics: false });
    slurmRequestHook(metrics, ['hpc1'])({ cluster: 'hpc1', operation: 'listJobs', status: 502, durationSeconds: 0.2 });

    expect(await value(metrics, 'gha_slurm_cluster_up', { cluster: 'hpc1' })).toBe(0);
  });

  it('records GitHub requests and the rate limit', async () => {
    const metrics = createMetrics({ processMetrics: false });
    githubRequestHook(metrics)({ operation: 'generateJitConfig', status: 201 });
    githubRateLimitHook(metrics)(4321);

    expect(await value(metrics, 'gha_slurm_github_requests_total', { operation: 'generateJitConfig', code: '201' })).toBe(1);
    expect(await value(metrics, 'gha_slurm_github_rate_limit_remaining')).toBe(4321);
  });
});
