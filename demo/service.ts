/**
 * gha-slurm itself, started from the demo's configuration file with its JSON log
 * in a file, plus a Slurm client of the demo's own through which the watcher
 * reads job states as each job's cluster user.
 */
import { pino } from 'pino';
import { clusterUserFor } from '../src/config/access.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger, silentLogger } from '../src/log.js';
import { startService } from '../src/main.js';
import { createSlurmClient } from '../src/slurm/index.js';
import type { SlurmClient } from '../src/slurm/types.js';

/** A running gha-slurm and the demo's Slurm client. */
export interface DemoService {
  /** Base URL of the webhook listener. */
  webhookUrl: string;
  /** Base URL of the listener of the callback and `/metrics`. */
  internalUrl: string;
  /** The demo's own client of the (single) cluster, allowed the users of the access rules. */
  slurmClient: SlurmClient;
  close(): Promise<void>;
}

/** Loads `configFile` as gha-slurm does and starts the service, logging to `logFile`. */
export async function startDemoService(configFile: string, logFile: string): Promise<DemoService> {
  const config = await loadConfig(configFile, process.env);
  const destination = pino.destination({ dest: logFile, sync: true, mode: 0o600 });
  const service = await startService(config, { logger: createLogger(config.log.level, destination) });

  const cluster = config.clusters[0]!;
  const allowedUsers = new Set(config.access.map((rule) => clusterUserFor(rule, cluster.name)));
  const slurmClient = createSlurmClient({ cluster, allowedUsers, logger: silentLogger() });

  return {
    webhookUrl: service.urls.webhook,
    internalUrl: service.urls.internal ?? service.urls.webhook,
    slurmClient,
    close: async () => {
      await service.close();
      await slurmClient.close();
    },
  };
}
