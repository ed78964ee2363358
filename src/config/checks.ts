import type { ConfigProblem } from './errors.js';
import type { ParsedConfig } from './schema.js';

type Cluster = ParsedConfig['clusters'][number];
type Pool = ParsedConfig['pools'][number];
type Rule = ParsedConfig['access'][number];

/**
 * Checks what the schema cannot see field by field: names that refer to other
 * sections, duplicates, and cluster users that must never be signed for.
 */
export function checkReferences(config: ParsedConfig): ConfigProblem[] {
  const clusters = new Map(config.clusters.map((cluster) => [cluster.name, cluster]));
  const pools = new Map(config.pools.map((pool) => [pool.name, pool]));

  const problems = [
    ...findDuplicates(config.clusters.map((cluster) => cluster.name), 'clusters'),
    ...findDuplicates(config.pools.map((pool) => pool.name), 'pools'),
    ...findSameLabels(config.pools),
    ...checkPoolClusters(config.pools, clusters),
    ...config.access.flatMap((rule, index) => checkAccessRule(rule, `access[${index}]`, clusters, pools)),
    ...checkListeners(config.server),
  ];
  return dedupeProblems(problems);
}

function checkPoolClusters(pools: Pool[], clusters: Map<string, Cluster>): ConfigProblem[] {
  const defined = [...clusters.keys()].join(', ');
  return pools.flatMap((pool, index) =>
    clusters.has(pool.cluster)
      ? []
      : [{ path: `pools[${index}].cluster`, message: `cluster "${pool.cluster}" is not defined; defined clusters: ${defined}` }],
  );
}

function checkAccessRule(rule: Rule, path: string, clusters: Map<string, Cluster>, pools: Map<string, Pool>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  rule.pools?.forEach((name, poolIndex) => {
    if (!pools.has(name)) {
      problems.push({
        path: `${path}.pools[${poolIndex}]`,
        message: `pool "${name}" is not defined; defined pools: ${[...pools.keys()].join(', ')}`,
      });
    }
  });

  const users: { path: string; user: string; cluster?: Cluster }[] = [{ path: `${path}.clusterUser`, user: rule.clusterUser }];
  for (const [clusterName, user] of Object.entries(rule.clusterUsers ?? {})) {
    const cluster = clusters.get(clusterName);
    if (!cluster) {
      problems.push({ path: `${path}.clusterUsers.${clusterName}`, message: `cluster "${clusterName}" is not defined` });
    }
    users.push({ path: `${path}.clusterUsers.${clusterName}`, user, cluster });
  }

  // The default user applies on every cluster that the rule's pools reach and no override names.
  const reachable = new Set((rule.pools ?? [...pools.keys()]).map((name) => pools.get(name)?.cluster));
  for (const cluster of clusters.values()) {
    if (reachable.has(cluster.name) && rule.clusterUsers?.[cluster.name] === undefined) {
      users.push({ path: `${path}.clusterUser`, user: rule.clusterUser, cluster });
    }
  }

  for (const entry of users) {
    if (entry.user === 'root') {
      problems.push({ path: entry.path, message: 'must not be root: jobs of a repository must never run as root' });
    } else if (entry.cluster && entry.user === entry.cluster.slurmUser) {
      problems.push({
        path: entry.path,
        message: `must not be "${entry.user}", the SlurmUser of cluster "${entry.cluster.name}": its token would be an administrator token`,
      });
    }
  }
  return problems;
}

function checkListeners(server: ParsedConfig['server']): ConfigProblem[] {
  const { webhook, internal } = server;
  if (internal && internal.port !== 0 && internal.port === webhook.port && internal.host === webhook.host) {
    return [{ path: 'server.internal.port', message: `must differ from server.webhook.port (${webhook.port}) on the same host` }];
  }
  return [];
}

/** Dispatch picks the first of several allowed pools with equal labels, so a later one would get no job from a repository allowed both. */
function findSameLabels(pools: Pool[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  pools.forEach((pool, index) => {
    const key = [...pool.labels].sort().join('\n');
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, index);
      return;
    }
    problems.push({
      path: `pools[${index}].labels`,
      message: `same labels as pools[${earlier}] ("${pools[earlier]?.name}"), so a repository allowed both always gets the first; add a label that tells them apart`,
    });
  });
  return problems;
}

function findDuplicates(names: string[], section: string): ConfigProblem[] {
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  names.forEach((name, index) => {
    if (seen.has(name)) {
      problems.push({ path: `${section}[${index}].name`, message: `"${name}" is defined twice; names must be unique` });
    }
    seen.add(name);
  });
  return problems;
}

/** Removes repeated problems, because one user can be wrong on several clusters. */
function dedupeProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\n${problem.message}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
