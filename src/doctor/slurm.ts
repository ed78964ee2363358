import { clusterUserFor } from '../config/access.js';
import type { ClusterConfig, Config, PoolConfig } from '../config/types.js';
import { SlurmApiError } from '../slurm/errors.js';
import type { SlurmClient } from '../slurm/types.js';

import { slurmFix } from './slurm-fixes.js';
import { CheckTimeoutError, messageOf, withTimeout } from './timeout.js';
import type { CheckResult, DoctorDependencies, SlurmAccounting } from './types.js';

/** Lists the cluster users that the access rules map on `cluster`, through the pools they allow there. */
export function usersOnCluster(config: Config, cluster: string): string[] {
  const users = new Set<string>();
  for (const rule of config.access) {
    const pools = config.pools.filter((pool) => (rule.pools ?? [pool.name]).includes(pool.name));
    if (pools.some((pool) => pool.cluster === cluster)) users.add(clusterUserFor(rule, cluster));
  }
  return [...users].sort();
}

/** Failures that concern slurmrestd itself rather than one user's token. */
function isClusterFailure(error: unknown): boolean {
  if (error instanceof CheckTimeoutError) return true;
  return error instanceof SlurmApiError && ['unreachable', 'timeout', 'invalid-reply', 'unsupported-version'].includes(error.failure);
}

/**
 * Runs the checks of one cluster: a token per mapped user, slurmrestd and its
 * version, partitions, accounts and QOS. Each user's token is tried with a list of
 * partitions, a read that slurmctld authenticates. A ping is not enough, because
 * slurmctld 24.11 returns success for it whatever the token. slurmrestd needs a token even to
 * return its version, so the first user's request also discovers the version.
 */
export async function checkCluster(
  config: Config,
  index: number,
  dependencies: DoctorDependencies,
  timeoutMs: number,
): Promise<CheckResult[]> {
  const cluster = config.clusters[index]!;
  const prefix = `cluster ${cluster.name}`;
  const pools = config.pools.filter((pool) => pool.cluster === cluster.name);
  const users = usersOnCluster(config, cluster.name);
  const client = dependencies.slurmClient(cluster);
  const daemon = `${prefix}: slurmrestd`;

  try {
    if (users.length === 0) {
      const detail = 'no access rule maps a user to a pool of this cluster, and slurmrestd needs a token to answer';
      return [{ name: daemon, status: 'SKIP', detail }, ...skipRest(prefix, [], pools, detail)];
    }

    const userResults: CheckResult[] = [];
    const working: { user: string; partitions: string[] }[] = [];
    for (const [position, user] of users.entries()) {
      const name = `${prefix}: token for ${user}`;
      try {
        const partitions = await withTimeout(client.listPartitions(user), timeoutMs);
        working.push({ user, partitions });
        // NOTE: slurmctld 22.05 accepts reads with a token whose user does not exist on
        // the cluster, so this proves the key and the policy, not the user. Such a user
        // fails only at submission.
        userResults.push({ name, status: 'OK', detail: `slurmrestd accepted a ${cluster.auth.type} token for ${user}` });
      } catch (error) {
        if (isClusterFailure(error)) {
          const failed: CheckResult = { name: daemon, status: 'FAIL', detail: messageOf(error), fix: slurmFix(cluster, index, error) };
          return [failed, ...userResults, ...skipRest(prefix, users.slice(position), pools, 'slurmrestd is unreachable')];
        }
        userResults.push({ name, status: 'FAIL', detail: messageOf(error), fix: slurmFix(cluster, index, error, user) });
      }
    }

    const first = working[0];
    if (first === undefined) {
      const detail = 'no mapped user could authenticate, so the version was not read';
      return [{ name: daemon, status: 'SKIP', detail }, ...userResults, ...skipRest(prefix, [], pools, 'no mapped user could authenticate')];
    }

    return [
      await versionCheck(client, cluster, index, timeoutMs),
      ...userResults,
      ...partitionChecks(config, cluster, pools, first.partitions),
      ...(await accountingChecks(client, cluster, pools, first.user, timeoutMs)),
    ];
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function versionCheck(client: SlurmClient, cluster: ClusterConfig, index: number, timeoutMs: number): Promise<CheckResult> {
  const name = `cluster ${cluster.name}: slurmrestd`;
  try {
    const info = await withTimeout(client.version(), timeoutMs);
    const served = info.servedApiVersions.join(', ');
    return { name, status: 'OK', detail: `Slurm ${info.release}, API ${info.apiVersion} (served: ${served}) at ${cluster.url}` };
  } catch (error) {
    return { name, status: 'FAIL', detail: messageOf(error), fix: slurmFix(cluster, index, error) };
  }
}

/** Checks that every partition a pool names is among `partitions`; pools without one are skipped. */
function partitionChecks(config: Config, cluster: ClusterConfig, pools: PoolConfig[], partitions: string[]): CheckResult[] {
  const named = pools.filter((pool) => pool.partition !== undefined);
  const unnamed = pools
    .filter((pool) => pool.partition === undefined)
    .map((pool): CheckResult => ({
      name: `pool ${pool.name}: partition`,
      status: 'SKIP',
      detail: `no partition named; jobs go to the default partition of ${cluster.name}`,
    }));

  const checked = named.map((pool): CheckResult => {
    const name = `pool ${pool.name}: partition`;
    if (partitions.includes(pool.partition!)) {
      return { name, status: 'OK', detail: `partition ${pool.partition} exists on ${cluster.name}` };
    }
    return {
      name,
      status: 'FAIL',
      detail: `partition "${pool.partition}" not found on ${cluster.name}; it has: ${partitions.join(', ') || 'none'}`,
      fix: `set pools[${config.pools.indexOf(pool)}].partition (pool ${pool.name}) to one of: ${partitions.join(', ')}`,
    };
  });
  return [...checked, ...unnamed];
}

async function accountingChecks(
  client: SlurmClient & Partial<SlurmAccounting>,
  cluster: ClusterConfig,
  pools: PoolConfig[],
  user: string,
  timeoutMs: number,
): Promise<CheckResult[]> {
  const required = pools.flatMap((pool) => [
    ...(pool.account ? [{ pool, kind: 'account' as const, value: pool.account }] : []),
    ...(pool.qos ? [{ pool, kind: 'qos' as const, value: pool.qos }] : []),
  ]);
  if (required.length === 0) return [];

  const skip = (detail: string) =>
    required.map(({ pool, kind }): CheckResult => ({ name: `pool ${pool.name}: ${kind === 'qos' ? 'QOS' : 'account'}`, status: 'SKIP', detail }));
  if (!client.listAccounts || !client.listQos) {
    return skip(`the Slurm client cannot read accounts and QOS of ${cluster.name} (slurmdbd endpoints)`);
  }

  let known: { account: string[]; qos: string[] };
  try {
    known = {
      account: await withTimeout(client.listAccounts(user), timeoutMs),
      qos: await withTimeout(client.listQos(user), timeoutMs),
    };
  } catch (error) {
    // A slurmrestd started without the slurmdbd plugin (or a cluster without slurmdbd) has no such endpoints.
    if (error instanceof SlurmApiError && (error.status === 404 || error.failure === 'unsupported-version')) {
      return skip(`slurmrestd on ${cluster.name} serves no slurmdbd endpoints, so accounts and QOS cannot be listed`);
    }
    return skip(`accounts and QOS could not be read: ${messageOf(error)}`);
  }

  return required.map(({ pool, kind, value }): CheckResult => {
    const label = kind === 'qos' ? 'QOS' : 'account';
    const name = `pool ${pool.name}: ${label}`;
    if (known[kind].includes(value)) return { name, status: 'OK', detail: `${label} ${value} exists on ${cluster.name}` };
    return {
      name,
      status: 'FAIL',
      detail: `${label} "${value}" not found on ${cluster.name}`,
      fix: `set ${kind} of pool ${pool.name} to one of: ${known[kind].join(', ') || 'none'}, or create it with sacctmgr`,
    };
  });
}

function skipRest(prefix: string, users: string[], pools: PoolConfig[], reason: string): CheckResult[] {
  return [
    ...users.map((user): CheckResult => ({ name: `${prefix}: token for ${user}`, status: 'SKIP', detail: reason })),
    ...pools.map((pool): CheckResult => ({ name: `pool ${pool.name}: partition`, status: 'SKIP', detail: reason })),
  ];
}
