import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { createMetrics, waitBuckets } from '../../../src/metrics/index.js';

const expectedMetrics: [name: string, type: string, labels: string[]][] = [
  ['gha_slurm_queue_latency_seconds', 'histogram', ['pool']],
  ['gha_slurm_slurm_pending_seconds', 'histogram', ['pool', 'cluster']],
  ['gha_slurm_runner_startup_seconds', 'histogram', ['pool']],
  ['gha_slurm_webhook_deliveries_total', 'counter', ['event', 'action', 'outcome']],
  ['gha_slurm_slurm_jobs_submitted_total', 'counter', ['pool', 'cluster']],
  ['gha_slurm_slurm_jobs_cancelled_total', 'counter', ['pool', 'cluster', 'reason']],
  ['gha_slurm_slurm_submit_failures_total', 'counter', ['pool', 'cluster', 'reason']],
  ['gha_slurm_unmatched_jobs_total', 'counter', ['reason']],
  ['gha_slurm_slurm_requests_total', 'counter', ['cluster', 'operation', 'code']],
  ['gha_slurm_slurm_request_duration_seconds', 'histogram', ['cluster', 'operation']],
  ['gha_slurm_github_requests_total', 'counter', ['operation', 'code']],
  ['gha_slurm_github_rate_limit_remaining', 'gauge', []],
  ['gha_slurm_runners', 'gauge', ['pool', 'state']],
  ['gha_slurm_queued_jobs', 'gauge', ['pool']],
  ['gha_slurm_callbacks_total', 'counter', ['outcome']],
  ['gha_slurm_cluster_up', 'gauge', ['cluster']],
];

const topology = { pools: [{ name: 'cpu', cluster: 'hpc1' }], clusters: ['hpc1'] };

function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version']).status === 0;
}

describe('createMetrics', () => {
  it.each(expectedMetrics)('registers %s as a %s', (name, type, labels) => {
    const { registry } = createMetrics({ processMetrics: false });
    const metric = registry.getSingleMetric(name);

    expect(metric, name).toBeDefined();
    const json = registry.getMetricsAsArray().find((m) => m.name === name);
    expect((json as unknown as { type: string }).type).toBe(type);
    expect((metric as unknown as { labelNames: string[] }).labelNames).toEqual(labels);
  });

  it('registers no gha_slurm metric beyond the documented ones', async () => {
    const { registry } = createMetrics();
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name).filter((n) => n.startsWith('gha_slurm_'));

    expect(names.sort()).toEqual(expectedMetrics.map(([name]) => name).sort());
  });

  it('uses wait buckets from one second to one day', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.queueLatency.observe({ pool: 'cpu' }, 90);
    const text = await metrics.registry.getSingleMetricAsString('gha_slurm_queue_latency_seconds');

    expect(waitBuckets[0]).toBe(1);
    expect(waitBuckets.at(-1)).toBe(86400);
    for (const bound of waitBuckets) expect(text).toContain(`le="${bound}",pool="cpu"`);
    expect(text).toContain('gha_slurm_queue_latency_seconds_bucket{le="60",pool="cpu"} 0');
    expect(text).toContain('gha_slurm_queue_latency_seconds_bucket{le="120",pool="cpu"} 1');
  });

  it('keeps each registry separate', async () => {
    const first = createMetrics({ processMetrics: false });
    const second = createMetrics({ processMetrics: false });
    first.callbacks.inc({ outcome: 'accepted' });

    expect(await second.registry.getSingleMetricAsString('gha_slurm_callbacks_total')).not.toContain('accepted');
  });

  it('adds process metrics without a clashing name', async () => {
    const { registry } = createMetrics();
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);

    expect(names).toContain('process_cpu_seconds_total');
    expect(names).toContain('nodejs_eventloop_lag_seconds');
    expect(new Set(names).size).toBe(names.length);
  });

  it('starts configured series at zero', async () => {
    const { registry } = createMetrics({ processMetrics: false, topology });
    const text = await registry.metrics();

    expect(text).toContain('gha_slurm_slurm_jobs_submitted_total{pool="cpu",cluster="hpc1"} 0');
    expect(text).toContain('gha_slurm_queue_latency_seconds_count{pool="cpu"} 0');
    expect(text).toContain('gha_slurm_slurm_pending_seconds_count{pool="cpu",cluster="hpc1"} 0');
  });

  it.runIf(hasPromtool() || process.env.CI)('passes promtool check metrics', async () => {
    const metrics = createMetrics({ topology });
    metrics.queueLatency.observe({ pool: 'cpu' }, 42);
    metrics.slurmRequests.inc({ cluster: 'hpc1', operation: 'submit', code: '200' });
    metrics.githubRateLimitRemaining.set(4999);
    const result = spawnSync('promtool', ['check', 'metrics'], { input: await metrics.registry.metrics(), encoding: 'utf8' });

    expect(result.error).toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
