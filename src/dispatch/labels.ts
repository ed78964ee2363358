import type { PoolConfig } from '../config/types.js';

const impliedLabel = 'self-hosted';

/**
 * Finds the pool whose runners can take a job with `labels`, by GitHub's rule:
 * a runner must carry every label the job requests. Every pool carries
 * `self-hosted` and labels compare case-insensitively. Among the pools that
 * match, the most specific one for this job wins: the one with the fewest labels
 * the job did not request. So a plain `[self-hosted, slurm]` job lands on the
 * plain pool and not on a `[slurm, gpu]` pool. Config order breaks ties.
 * Returns undefined when no pool matches.
 */
export function matchPool(labels: readonly string[], pools: readonly PoolConfig[]): PoolConfig | undefined {
  const requested = new Set(labels.map((label) => label.trim().toLowerCase()));
  let best: PoolConfig | undefined;
  let bestSize = Infinity;

  for (const pool of pools) {
    const carried = new Set([impliedLabel, ...pool.labels.map((label) => label.toLowerCase())]);
    const carriesAll = [...requested].every((label) => carried.has(label));
    if (carriesAll && carried.size < bestSize) {
      best = pool;
      bestSize = carried.size;
    }
  }
  return best;
}

/** Returns the labels a pool's runners register with, `self-hosted` excluded because GitHub adds it. */
export function runnerLabels(pool: PoolConfig): string[] {
  return pool.labels.filter((label) => label.toLowerCase() !== impliedLabel);
}
