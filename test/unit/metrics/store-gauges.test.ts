import { describe, expect, it } from 'vitest';

import type { ClusterConfig, PoolConfig } from '../../../src/config/types.js';
import type { RunnerState } from '../../../src/dispatch/types.js';
import type { Store } from '../../../src/store/types.js';
import { attachStoreGauges, createMetrics, createServiceMetrics, type GaugeSource } from '../../../src/metrics/index.js';

function sourceOf(runners: { pool: string; state: RunnerState }[], queuedPools: string[]): GaugeSource {
  return {
    listRunners: ({ states }) => runners.filter((r) => !states || states.includes(r.state)),
    listWorkflowJobs: () => queuedPools.map((pool) => ({ pool })),
  };
}

// Fails to compile when the store stops satisfying the gauges' source interface.
export const storeIsGaugeSource = (store: Store): GaugeSource => store;

describe('store gauges', () => {
  it('counts active runners by pool and state at scrape time', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const runners: { pool: string; state: RunnerState }[] = [
      { pool: 'cpu', state: 'submitted' },
      { pool: 'cpu', state: 'submitted' },
      { pool: 'cpu', state: 'busy' },
      { pool: 'cpu', state: 'done' },
    ];
    attachStoreGauges(metrics, sourceOf(runners, []), ['cpu', 'gpu']);
    const text = await metrics.registry.getSingleMetricAsString('gha_slurm_runners');

    expect(text).toContain('gha_slurm_runners{pool="cpu",state="submitted"} 2');
    expect(text).toContain('gha_slurm_runners{pool="cpu",state="busy"} 1');
    expect(text).toContain('gha_slurm_runners{pool="gpu",state="configured"} 0');
    expect(text).not.toContain('state="done"');
  });

  it('drops to zero when runners end', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const runners: { pool: string; state: RunnerState }[] = [{ pool: 'cpu', state: 'busy' }];
    attachStoreGauges(metrics, sourceOf(runners, []), ['cpu']);
    await metrics.registry.metrics();
    runners[0]!.state = 'done';
    const text = await metrics.registry.getSingleMetricAsString('gha_slurm_runners');

    expect(text).toContain('gha_slurm_runners{pool="cpu",state="busy"} 0');
  });

  it('counts queued jobs per pool', async () => {
    const metrics = createMetrics({ processMetrics: false });
    attachStoreGauges(metrics, sourceOf([], ['cpu', 'cpu', 'retired-pool']), ['cpu', 'gpu']);
    const text = await metrics.registry.getSingleMetricAsString('gha_slurm_queued_jobs');

    expect(text).toContain('gha_slurm_queued_jobs{pool="cpu"} 2');
    expect(text).toContain('gha_slurm_queued_jobs{pool="gpu"} 0');
    expect(text).toContain('gha_slurm_queued_jobs{pool="other"} 1');
  });

  it('reports nothing before a source is attached', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const text = await metrics.registry.getSingleMetricAsString('gha_slurm_queued_jobs');

    expect(text).not.toContain('pool=');
  });
});

describe('createServiceMetrics', () => {
  it('wires gauges and hooks for the configured pools', async () => {
    const service = createServiceMetrics({
      pools: [{ name: 'cpu', cluster: 'hpc1' } as PoolConfig],
      clusters: [{ name: 'hpc1' } as ClusterConfig],
    });
    service.attachStore(sourceOf([{ pool: 'cpu', state: 'configured' }], ['cpu']));
    service.observer.submitted('cpu', 'hpc1');
    service.onSlurmRequest({ cluster: 'hpc1', operation: 'submit', status: 200, durationSeconds: 0.1 });
    const text = await service.metrics.registry.metrics();

    expect(text).toContain('gha_slurm_runners{pool="cpu",state="configured"} 1');
    expect(text).toContain('gha_slurm_queued_jobs{pool="cpu"} 1');
    expect(text).toContain('gha_slurm_slurm_jobs_submitted_total{pool="cpu",cluster="hpc1"} 1');
    expect(text).toContain('gha_slurm_cluster_up{cluster="hpc1"} 1');
  });
});
