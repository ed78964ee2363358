import { clusterUserFor, resolveAccess } from '../config/access.js';
import type { Config, PoolConfig } from '../config/types.js';
import { matchPool } from './labels.js';

/** Whether a repository may run on a pool, and as which cluster user. */
export type AccessDecision =
  | { allowed: true; clusterUser: string }
  | { allowed: false; reason: 'unmapped-repository' | 'pool-not-allowed' };

/**
 * Decides which cluster user runs a repository's jobs on `pool`. The first access
 * rule that matches the repository decides; later rules are not consulted even
 * when it excludes the pool.
 */
export function decideAccess(config: Config, repository: string, pool: PoolConfig): AccessDecision {
  const grant = resolveAccess(config, repository);
  if (!grant) {
    return { allowed: false, reason: 'unmapped-repository' };
  }
  if (!grant.pools.includes(pool.name)) {
    return { allowed: false, reason: 'pool-not-allowed' };
  }
  return { allowed: true, clusterUser: clusterUserFor(grant, pool.cluster) };
}

/** The pool and cluster user for a queued job, or why it gets no runner. */
export type PoolChoice =
  | { allowed: true; pool: PoolConfig; clusterUser: string }
  | { allowed: false; reason: 'no-pool' | 'unmapped-repository' | 'pool-not-allowed' };

/**
 * Chooses the pool for a job with `labels` among the pools the repository may
 * use, so that a repository limited to a `[slurm]` pool still gets it when a
 * `[slurm, big]` pool it may not use would match too.
 */
export function choosePool(config: Config, repository: string, labels: readonly string[]): PoolChoice {
  if (!matchPool(labels, config.pools)) {
    return { allowed: false, reason: 'no-pool' };
  }
  const grant = resolveAccess(config, repository);
  if (!grant) {
    return { allowed: false, reason: 'unmapped-repository' };
  }
  const pool = matchPool(labels, config.pools.filter((candidate) => grant.pools.includes(candidate.name)));
  if (!pool) {
    return { allowed: false, reason: 'pool-not-allowed' };
  }
  return { allowed: true, pool, clusterUser: clusterUserFor(grant, pool.cluster) };
}
