import { clusterUserFor, resolveAccess } from '../config/access.js';
import type { Config, PoolConfig } from '../config/types.js';

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
