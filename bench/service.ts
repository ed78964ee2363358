/**
 * Starts the real service for the benchmarks: a real SQLite file in a temporary
 * directory, GitHub replaced by the msw fake of the tests, and one pool whose
 * label no delivery carries, so no Slurm job is ever submitted.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import type { Config } from '../src/config/types.js';
import { createLogger } from '../src/log.js';
import { startService, type Service } from '../src/main.js';
import { createAppKey, createFakeGitHub, fakeGitHubUrl, rejectUnhandledExceptLoopback } from '../test/helpers/github.js';

export const webhookSecret = 'bench-webhook-secret';

/** A pool label that no benchmark delivery carries. */
const unmatchedLabel = 'bench-never-matched';

/** The service under measurement and how to stop it. */
export interface BenchService {
  service: Service;
  webhookUrl: string;
  storePath: string;
  stop(): Promise<void>;
}

/** Builds the config: one cluster on a loopback port where nothing listens, and a reconcile pass only at start. */
function benchConfig(stateDir: string, privateKey: string): Config {
  const keyFile = join(stateDir, 'jwt.key');
  writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });

  return {
    github: { appId: 4242, privateKey, webhookSecret, apiUrl: fakeGitHubUrl, runnerGroupId: 1, runnerScope: 'repository' },
    clusters: [
      {
        name: 'bench',
        // Nothing listens on loopback port 9 here, so the start-up ping fails at once and nothing leaves the machine.
        url: 'http://127.0.0.1:9',
        apiVersion: 'auto',
        auth: { type: 'hs256', keyFile },
        slurmUser: 'slurm',
        tokenLifetimeSeconds: 300,
        requestTimeoutMs: 1_000,
      },
    ],
    pools: [
      {
        name: 'unmatched',
        labels: [unmatchedLabel],
        cluster: 'bench',
        cpus: 1,
        timeLimitMinutes: 5,
        maxRunners: 1,
        idleTimeoutSeconds: 60,
        environment: {},
      },
    ],
    access: [{ pattern: 'octo-org/*', clusterUser: 'bench' }],
    runner: {
      callbackUrl: 'http://127.0.0.1:9/runners/jit-config',
      installDir: '/opt/actions-runner',
      launchTokenLifetimeSeconds: 600,
      launchTokenSecret: randomUUID() + randomUUID(),
      namePrefix: 'bench',
      workDir: '/tmp/gha-slurm-bench-%u',
      maxAttempts: 1,
    },
    store: { path: join(stateDir, 'gha-slurm.db') },
    server: { webhook: { host: '127.0.0.1', port: 0 }, bodyLimitBytes: 1024 * 1024 },
    log: { level: 'info' },
    // One pass at start, none during the measurements.
    reconcileIntervalSeconds: 3_600,
  };
}

/**
 * Starts the service. It logs at info level into /dev/null, so the cost of
 * building each log line is measured while the terminal stays quiet.
 */
export async function startBenchService(): Promise<BenchService> {
  const stateDir = mkdtempSync(join(tmpdir(), 'gha-slurm-bench-'));
  const privateKey = createAppKey();
  const github = createFakeGitHub({ appId: 4242, privateKey });
  const msw = setupServer(...github.handlers);
  msw.listen({ onUnhandledRequest: rejectUnhandledExceptLoopback });

  const config = benchConfig(stateDir, privateKey);
  const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
  const service = await startService(config, { logger });
  await service.reconcileNow();

  return {
    service,
    webhookUrl: `${service.urls.webhook}/github/webhooks`,
    storePath: config.store.path,
    stop: async () => {
      await service.close();
      msw.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
