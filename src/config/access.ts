import type { AccessRule, Config } from './types.js';

/** The pools a repository may use and the cluster user its jobs run as. */
export interface AccessGrant {
  /** The rule that matched, as written in the configuration. */
  pattern: string;
  /** Pools the repository may use, in configuration order. */
  pools: string[];
  /** Cluster user on clusters without an override. */
  clusterUser: string;
  /** Cluster user per cluster name, where it differs from `clusterUser`. */
  clusterUsers: Record<string, string>;
}

/**
 * Finds the first access rule whose pattern matches `repository` (`owner/name`),
 * case-insensitively; `undefined` when none does, and the repository may use nothing.
 */
export function resolveAccess(config: Config, repository: string): AccessGrant | undefined {
  const rule = config.access.find((candidate) => matchesRepository(candidate.pattern, repository));
  if (!rule) {
    return undefined;
  }
  return {
    pattern: rule.pattern,
    pools: rule.pools ?? config.pools.map((pool) => pool.name),
    clusterUser: rule.clusterUser,
    clusterUsers: { ...rule.clusterUsers },
  };
}

/** Returns the cluster user that a grant or rule runs jobs as on `cluster`. */
export function clusterUserFor(grant: Pick<AccessRule, 'clusterUser' | 'clusterUsers'>, cluster: string): string {
  return grant.clusterUsers?.[cluster] ?? grant.clusterUser;
}

/** Checks whether `pattern` (`owner/name`, `owner/*` or `*`) matches `repository`, ignoring case as GitHub does. */
export function matchesRepository(pattern: string, repository: string): boolean {
  if (pattern === '*') {
    return true;
  }
  const [patternOwner, patternName] = pattern.toLowerCase().split('/');
  const [owner, name] = repository.toLowerCase().split('/');
  if (owner !== patternOwner || name === undefined || name === '') {
    return false;
  }
  return patternName === '*' || patternName === name;
}
