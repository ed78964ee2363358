import type { Config } from '../config/types.js';
import { createGitHubRunners } from '../github/client.js';
import { createSlurmClient } from '../slurm/client.js';

import { usersOnCluster } from './slurm.js';
import type { DoctorDependencies } from './types.js';

/**
 * Creates the real GitHub and Slurm clients for `config`. GitHub calls are not
 * retried, so that a wrong key fails within the check's timeout.
 */
export function defaultDependencies(config: Config, timeoutMs: number): DoctorDependencies {
  return {
    verifyGitHubApp: () =>
      createGitHubRunners(config.github, { retry: { maxAttempts: 1 }, requestTimeoutMs: timeoutMs }).verifyCredentials(),
    slurmClient: (cluster) =>
      createSlurmClient({ cluster, allowedUsers: new Set(usersOnCluster(config, cluster.name)) }),
    fetch: globalThis.fetch,
  };
}
