import { describe, expect, it } from 'vitest';

import type { RunnerState } from '../../../src/dispatch/types.js';
import { attachStoreGauges, createMetrics, type GaugeSource } from '../../../src/metrics/index.js';

function sourceOf(runners: { pool: string; state: RunnerState }[], queuedPools: string[]): GaugeSource {
  return {
    listRunners: ({ states }) => runners.filter((r) => !states || states.includes(r.state)),
    listWorkflowJobs: () => queuedPools.map((pool) => ({ pool })),
  };
}

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
