import { clusterUserFor } from './access.js';
import type { Config } from './types.js';

/**
 * Describes the resolved clusters, pools and repository mappings as text lines,
 * for `check-config`. The lines contain no secret value, key or token.
 */
export function describeConfig(config: Config): string[] {
  const lines: string[] = [];

  lines.push(`GitHub App ${config.github.appId} at ${config.github.apiUrl}, runners at ${config.github.runnerScope} level in group ${config.github.runnerGroupId}`);
  lines.push('', 'Clusters:');
  for (const cluster of config.clusters) {
    lines.push(`  ${cluster.name}: ${cluster.url} (API ${cluster.apiVersion}, ${cluster.auth.type} tokens, SlurmUser ${cluster.slurmUser})`);
  }

  lines.push('', 'Pools:');
  for (const pool of config.pools) {
    const place = [pool.partition && `partition ${pool.partition}`, pool.account && `account ${pool.account}`, pool.qos && `qos ${pool.qos}`]
      .filter(Boolean)
      .join(', ');
    const size = [`${pool.cpus} CPU`, pool.memoryMb && `${pool.memoryMb} MB`, pool.gres && `gres ${pool.gres}`, `${pool.timeLimitMinutes} min`]
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${pool.name}: labels [${pool.labels.join(', ')}] on ${pool.cluster}${place ? ` (${place})` : ''}`);
    lines.push(`    ${size}; at most ${pool.maxRunners} runners, idle timeout ${pool.idleTimeoutSeconds} s`);
  }

  lines.push('', 'Repository access (first match wins):');
  for (const rule of config.access) {
    const pools = config.pools.filter((pool) => !rule.pools || rule.pools.includes(pool.name));
    const users = pools.map((pool) => `${pool.name} as ${clusterUserFor(rule, pool.cluster)}`);
    lines.push(`  ${rule.pattern}: ${users.join(', ')}`);
  }

  lines.push('', `Listening for webhooks on ${config.server.webhook.host}:${config.server.webhook.port}`);
  if (config.server.internal) {
    lines.push(`Callback, metrics and health on ${config.server.internal.host}:${config.server.internal.port}`);
  }
  lines.push(`Runner callback URL: ${config.runner.callbackUrl}`, `Store: ${config.store.path}`);
  return lines;
}
