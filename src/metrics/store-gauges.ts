import type { RunnerRecord, RunnerState, WorkflowJobRecord } from '../dispatch/types.js';

import { activeRunnerStates, otherLabel } from './labels.js';
import { setScrapeCollector, type Metrics } from './registry.js';

/** The part of the store that the gauges read at scrape time. `Store` satisfies it. */
export interface GaugeSource {
  listRunners(filter: { states?: RunnerState[] }): Pick<RunnerRecord, 'pool' | 'state'>[];
  listWorkflowJobs(filter: { state?: 'queued' }): Pick<WorkflowJobRecord, 'pool'>[];
}

/**
 * Computes `gha_slurm_runners` and `gha_slurm_queued_jobs` from `source` on every
 * scrape, so they are right after a restart with no bookkeeping. Every configured
 * pool reports every state, zero included; a pool no longer configured counts as `other`.
 */
export function attachStoreGauges(metrics: Metrics, source: GaugeSource, pools: string[]): void {
  const known = new Set(pools);
  const poolLabel = (pool: string): string => (known.has(pool) ? pool : otherLabel);

  const { runners, queuedJobs } = metrics;

  // Each gauge is reset first, so that a pool whose count fell to zero reports
  // zero and not its value from the previous scrape.
  setScrapeCollector(runners, () => {
    runners.reset();
    for (const pool of pools) {
      for (const state of activeRunnerStates) runners.set({ pool, state }, 0);
    }
    for (const runner of source.listRunners({ states: [...activeRunnerStates] })) {
      runners.inc({ pool: poolLabel(runner.pool), state: runner.state });
    }
  });

  setScrapeCollector(queuedJobs, () => {
    queuedJobs.reset();
    for (const pool of pools) queuedJobs.set({ pool }, 0);
    for (const job of source.listWorkflowJobs({ state: 'queued' })) {
      queuedJobs.inc({ pool: poolLabel(job.pool) });
    }
  });
}
