/**
 * Starts the real service against one real Slurm cluster and the msw fake of
 * GitHub, with a real SQLite file, and offers the steps the end-to-end tests repeat.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import type { ClusterConfig, Config, PoolConfig } from '../../src/config/types.js';
import type { RunnerRecord } from '../../src/dispatch/types.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { startService, type Service, type ServiceOptions } from '../../src/main.js';
import { createSlurmClient } from '../../src/slurm/index.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import type { SlurmClient } from '../../src/slurm/types.js';
import {
  createAppKey,
  createFakeGitHub,
  fakeGitHubUrl,
  rejectUnhandledExceptLoopback,
  signedWorkflowJob,
  type FakeGitHub,
  type WorkflowJobAction,
  type WorkflowJobOverrides,
} from '../helpers/github.js';
import { requiredClusters, type ClusterInfo } from '../helpers/clusters.js';
import { freePort, installRunnerDir, waitFor, type RunnerDir } from './support.js';

export const webhookSecret = 'e2e-webhook-secret';
export const repository = 'octo-org/app';

/** Everything one end-to-end suite holds for its cluster. */
export interface Harness {
  cluster: ClusterInfo;
  config: Config;
  service: Service;
  github: FakeGitHub;
  /** A client of the same cluster, for checks made as the test. */
  slurm: SlurmClient;
  runnerDir: RunnerDir;
  /** Signs and posts a workflow_job delivery; returns the HTTP status and the delivery id. */
  deliver(action: WorkflowJobAction, overrides: WorkflowJobOverrides, deliveryId?: string): Promise<{ status: number; deliveryId: string }>;
  /**
   * Stops the service, lets `whileStopped` change its store file, and starts it
   * again with the same config, as after a crash or an upgrade.
   */
  restart(whileStopped: (store: Store) => void | Promise<void>): Promise<void>;
  /** Waits for the runner requested for `workflowJobId` to reach `state`. */
  runnerFor(workflowJobId: number, state: RunnerRecord['state']): Promise<RunnerRecord>;
  stop(): Promise<void>;
}

function pool(cluster: ClusterInfo, overrides: Partial<PoolConfig> & { name: string; labels: string[] }): PoolConfig {
  return {
    cluster: cluster.name,
    partition: cluster.partitions.find((partition) => partition.default)?.name,
    cpus: 1,
    timeLimitMinutes: 5,
    maxRunners: 10,
    idleTimeoutSeconds: 600,
    environment: {},
    ...overrides,
  };
}

function clusterConfig(cluster: ClusterInfo): ClusterConfig {
  return {
    name: cluster.name,
    url: cluster.url,
    apiVersion: 'auto',
    auth: { type: 'hs256', keyFile: cluster.jwtKeyFile },
    slurmUser: cluster.slurmUser,
    tokenLifetimeSeconds: 300,
    requestTimeoutMs: 15_000,
  };
}

/**
 * Starts the service for `target`: a cluster, or the version of a running one.
 * `slurmFetch` replaces the service's fetch to slurmrestd, to disturb its replies.
 * Throws when that version is not running.
 */
export async function startHarness(target: ClusterInfo | string, options: Pick<ServiceOptions, 'slurmFetch'> = {}): Promise<Harness> {
  const cluster = typeof target === 'string' ? requiredClusters({ ...process.env, GHA_SLURM_VERSIONS: target })[0]! : target;
  const runnerDir = installRunnerDir(cluster);
  const stateDir = mkdtempSync(join(tmpdir(), 'gha-slurm-e2e-store-'));
  const port = await freePort();
  const privateKey = createAppKey();
  const github = createFakeGitHub({ appId: 4242, privateKey });
  const msw = setupServer(...github.handlers);
  msw.listen({ onUnhandledRequest: rejectUnhandledExceptLoopback });

  const config: Config = {
    github: { appId: 4242, privateKey, webhookSecret, apiUrl: fakeGitHubUrl, runnerGroupId: 1, runnerScope: 'repository' },
    clusters: [clusterConfig(cluster)],
    pools: [
      pool(cluster, { name: 'linux', labels: ['linux'] }),
      pool(cluster, { name: 'slow', labels: ['slow'], environment: { FAKE_RUNNER_SLEEP: '60' } }),
    ],
    access: [{ pattern: 'octo-org/*', clusterUser: cluster.users[0]! }],
    runner: {
      callbackUrl: `http://127.0.0.1:${port}/runners/jit-config`,
      installDir: runnerDir.jobPath,
      launchTokenLifetimeSeconds: 600,
      launchTokenSecret: randomUUID(),
      namePrefix: 'gha',
      workDir: `${runnerDir.jobPath}/work`,
      maxAttempts: 3,
    },
    store: { path: join(stateDir, 'gha-slurm.db') },
    server: { webhook: { host: '127.0.0.1', port }, bodyLimitBytes: 1024 * 1024 },
    log: { level: 'info' },
    reconcileIntervalSeconds: 2,
  };
  const logger = process.env.GHA_SLURM_E2E_LOG ? createLogger('debug') : silentLogger();
  const serviceOptions = { logger, backoff: { baseSeconds: 1, maxSeconds: 4 }, slurmFetch: options.slurmFetch };
  let service = await startService(config, serviceOptions);
  const slurm = createSlurmClient({ cluster: clusterConfig(cluster), allowedUsers: new Set(cluster.users) });

  const deliver: Harness['deliver'] = async (action, overrides, deliveryId) => {
    const delivery = await signedWorkflowJob(action, webhookSecret, { repository, ...overrides }, deliveryId);
    const response = await fetch(`${service.urls.webhook}/github/webhooks`, { method: 'POST', headers: delivery.headers, body: delivery.body });
    await response.text();
    return { status: response.status, deliveryId: delivery.deliveryId };
  };

  const runnerFor: Harness['runnerFor'] = (workflowJobId, state) =>
    waitFor(`a ${state} runner for workflow job ${workflowJobId}`, () =>
      service.store.listRunners({ requestedFor: workflowJobId }).find((runner) => runner.state === state),
    );

  const restart: Harness['restart'] = async (whileStopped) => {
    await service.close();
    const store = openStore(config.store.path);
    try {
      await whileStopped(store);
    } finally {
      store.close();
    }
    service = await startService(config, serviceOptions);
  };

  const stop = async () => {
    for (const runner of service.store.listRunners({})) {
      if (runner.slurmJobId !== undefined) {
        await slurm.cancel(runner.clusterUser, runner.slurmJobId).catch(() => undefined);
      }
    }
    await service.close();
    await slurm.close();
    msw.close();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(runnerDir.hostPath, { recursive: true, force: true });
  };

  return {
    cluster,
    config,
    get service() {
      return service;
    },
    github,
    slurm,
    runnerDir,
    deliver,
    restart,
    runnerFor,
    stop,
  };
}
