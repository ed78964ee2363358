import type { ConfigProblem } from './errors.js';
import type { ParsedConfig } from './schema.js';

/**
 * Checks what the schema cannot see field by field: names that refer to other
 * sections, duplicates, and cluster users that must never be signed for.
 */
export function checkReferences(config: ParsedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const clusters = new Map(config.clusters.map((cluster) => [cluster.name, cluster]));
  const pools = new Map(config.pools.map((pool) => [pool.name, pool]));

  problems.push(...findDuplicates(config.clusters.map((cluster) => cluster.name), 'clusters'));
  problems.push(...findDuplicates(config.pools.map((pool) => pool.name), 'pools'));

  problems.push(...findSameLabels(config.pools));
  config.pools.forEach((pool, index) => {
    if (!clusters.has(pool.cluster)) {
      problems.push({
        path: `pools[${index}].cluster`,
        message: `cluster "${pool.cluster}" is not defined; defined clusters: ${[...clusters.keys()].join(', ')}`,
      });
    }
  });

  config.access.forEach((rule, index) => {
    const path = `access[${index}]`;
    rule.pools?.forEach((name, poolIndex) => {
      if (!pools.has(name)) {
        problems.push({
          path: `${path}.pools[${poolIndex}]`,
          message: `pool "${name}" is not defined; defined pools: ${[...pools.keys()].join(', ')}`,
        });
      }
    });
    for (const clusterName of Object.keys(rule.clusterUsers ?? {})) {
      if (!clusters.has(clusterName)) {
        problems.push({ path: `${path}.clusterUsers.${clusterName}`, message: `cluster "${clusterName}" is not defined` });
      }
    }

    const reachable = new Set(
      (rule.pools ?? [...pools.keys()]).map((name) => pools.get(name)?.cluster).filter((name) => name !== undefined),
    );
    for (const clusterName of reachable) {
      const cluster = clusters.get(clusterName);
      const override = rule.clusterUsers?.[clusterName];
      const user = override ?? rule.clusterUser;
      const userPath = override === undefined ? `${path}.clusterUser` : `${path}.clusterUsers.${clusterName}`;
      if (user === 'root') {
        problems.push({ path: userPath, message: 'must not be root: jobs of a repository must never run as root' });
      } else if (cluster && user === cluster.slurmUser) {
        problems.push({
          path: userPath,
          message: `must not be "${user}", the SlurmUser of cluster "${clusterName}": its token would be an administrator token`,
        });
      }
    }
  });

  const { webhook, internal } = config.server;
  if (internal && internal.port !== 0 && internal.port === webhook.port && internal.host === webhook.host) {
    problems.push({ path: 'server.internal.port', message: `must differ from server.webhook.port (${webhook.port}) on the same host` });
  }

  return dedupeProblems(problems);
}

/** Dispatch picks the first of several pools with equal labels, so a later one would never get a job. */
function findSameLabels(pools: ParsedConfig['pools']): ConfigProblem[] {
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
      message: `same labels as pools[${earlier}] ("${pools[earlier]?.name}"), which takes every job first; add a label that tells them apart`,
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
