import type { PoolConfig } from '../config/types.js';

const impliedLabel = 'self-hosted';

/**
 * Finds the pool whose runners can take a job with `labels`, by GitHub's rule:
 * a runner must carry every label the job requests. Every pool carries
 * `self-hosted`, labels compare case-insensitively, the pool with the most labels
 * wins and config order breaks ties. Returns undefined when no pool matches.
 *
 * NOTE: a job that requests only common labels (`linux`) goes to the matching
 * pool with the most labels, which may be a GPU pool. Give every pool a label
 * of its own that jobs request, so that plain jobs do not land on special nodes.
 */
export function matchPool(labels: readonly string[], pools: readonly PoolConfig[]): PoolConfig | undefined {
  const requested = new Set(labels.map((label) => label.trim().toLowerCase()));
  let best: PoolConfig | undefined;
  let bestSize = -1;

  for (const pool of pools) {
    const carried = new Set([impliedLabel, ...pool.labels.map((label) => label.toLowerCase())]);
    const carriesAll = [...requested].every((label) => carried.has(label));
    if (carriesAll && carried.size > bestSize) {
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
