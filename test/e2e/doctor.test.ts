/**
 * Runs `gha-slurm doctor` against the real Slurm clusters, with GitHub faked by msw
 * and the callback URL served by a running gha-slurm.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ClusterConfig, Config } from '../../src/config/types.js';
import { collectChecks, runDoctor, type CheckResult } from '../../src/doctor/index.js';
import { silentLogger } from '../../src/log.js';
import { startService, type Service } from '../../src/main.js';
import { createAppKey, createFakeGitHub, fakeGitHubUrl, rejectUnhandledExceptLoopback } from '../helpers/github.js';
import { requiredClusters, type ClusterInfo } from '../helpers/clusters.js';

const appId = 7070;
const privateKey = createAppKey();
// GHA_SLURM_VERSIONS selects the clusters (all three by default); all run in one configuration.
const clusters: ClusterInfo[] = requiredClusters();
const github = createFakeGitHub({ appId, privateKey });
const msw = setupServer(...github.handlers);
let tempDir: string;
let service: Service;
let goodConfig: Config;

function clusterConfig(cluster: ClusterInfo, keyFile = cluster.jwtKeyFile): ClusterConfig {
  return {
    name: cluster.name,
    url: cluster.url,
    apiVersion: 'auto',
    auth: { type: 'hs256', keyFile },
    slurmUser: cluster.slurmUser,
    tokenLifetimeSeconds: 300,
    requestTimeoutMs: 10_000,
  };
}

function baseConfig(port: number): Config {
  return {
    github: { appId, privateKey, webhookSecret: 'doctor-secret', apiUrl: fakeGitHubUrl, runnerGroupId: 1, runnerScope: 'repository' },
    clusters: clusters.map((cluster) => clusterConfig(cluster)),
    pools: clusters.map((cluster) => ({
      name: `pool-${cluster.version.replace('.', '')}`,
      labels: [cluster.version],
      cluster: cluster.name,
      partition: cluster.partitions.find((partition) => !partition.default)?.name ?? cluster.partitions[0]!.name,
      cpus: 1,
      timeLimitMinutes: 5,
      maxRunners: 1,
      idleTimeoutSeconds: 60,
      environment: {},
    })),
    access: [{ pattern: 'octo-org/*', clusterUser: clusters[0]!.users[0]! }],
    runner: {
      callbackUrl: `http://127.0.0.1:${port}/runners/jit-config`,
      installDir: '/opt/actions-runner',
      launchTokenLifetimeSeconds: 600,
      launchTokenSecret: randomUUID(),
      namePrefix: 'doctor',
      workDir: '/tmp',
      maxAttempts: 1,
    },
    store: { path: join(tempDir, 'gha-slurm.db') },
    server: { webhook: { host: '127.0.0.1', port }, bodyLimitBytes: 1_048_576 },
    log: { level: 'info' },
    reconcileIntervalSeconds: 3600,
  };
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function find(results: CheckResult[], name: string): CheckResult {
  const result = results.find((candidate) => candidate.name === name);
  expect(result, `check "${name}" among ${results.map((r) => r.name).join(', ')}`).toBeDefined();
  return result!;
}

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: rejectUnhandledExceptLoopback });
  github.state.installations = [{ id: 1, account: 'octo-org' }];
  tempDir = mkdtempSync(join(tmpdir(), 'gha-slurm-doctor-'));
  goodConfig = baseConfig(await freePort());
  service = await startService(goodConfig, { logger: silentLogger() });
});

afterAll(async () => {
  await service?.close();
  msw.close();
  rmSync(tempDir, { recursive: true, force: true });
});

describe('doctor against real clusters', () => {
  it('passes a good configuration', async () => {
    let output = '';
    const status = await runDoctor(goodConfig, { output: (text) => (output += text) });

    expect(output).not.toMatch(/^FAIL/m);
    expect(status).toBe(0);
    for (const cluster of clusters) {
      expect(output).toMatch(new RegExp(`^OK +cluster ${cluster.name}: slurmrestd +Slurm ${cluster.version.replace('.', '\\.')}`, 'm'));
      expect(output).toMatch(new RegExp(`^OK +cluster ${cluster.name}: token for ${clusters[0]!.users[0]}`, 'm'));
    }
    expect(output).toMatch(/^OK +GitHub App credentials/m);
    expect(output).toMatch(/^OK +callback URL/m);
  });

  it('fails an unknown partition', async () => {
    const config = baseConfig(Number(new URL(goodConfig.runner.callbackUrl).port));
    config.store = goodConfig.store;
    config.pools = config.pools.map((pool) => ({ ...pool, partition: 'no-such-partition' }));
    const results = await collectChecks(config);

    for (const pool of config.pools) {
      const partition = find(results, `pool ${pool.name}: partition`);
      expect(partition.status).toBe('FAIL');
      expect(partition.detail).toMatch(/^partition "no-such-partition" not found on \S+; it has: .*debug/);
      expect(partition.fix).toMatch(/^set pools\[\d\]\.partition/);
    }
  });

  it('fails root and the SlurmUser as mapped users', async () => {
    const config = {
      ...goodConfig,
      access: [
        { pattern: 'octo-org/app', clusterUser: 'root' },
        { pattern: 'octo-org/*', clusterUser: clusters[0]!.slurmUser },
      ],
    };
    const results = await collectChecks(config);

    for (const cluster of clusters) {
      for (const user of ['root', cluster.slurmUser]) {
        const token = find(results, `cluster ${cluster.name}: token for ${user}`);
        expect(token.status, `${cluster.name} ${user}: ${token.detail}`).toBe('FAIL');
        expect(token.fix).toMatch(/may not be signed for \(root, the SlurmUser or not mapped\)/);
      }
      expect(find(results, `cluster ${cluster.name}: slurmrestd`).status).toBe('SKIP');
    }
  });

  it('fails a wrong JWT key', async () => {
    const wrongKey = join(tempDir, 'wrong_jwt_hs256.key');
    writeFileSync(wrongKey, randomBytes(32), { mode: 0o600 });
    const config = { ...goodConfig, clusters: clusters.map((cluster) => clusterConfig(cluster, wrongKey)) };
    let output = '';
    const status = await runDoctor(config, { output: (text) => (output += text) });

    expect(status).toBe(1);
    for (const cluster of clusters) {
      expect(output).toMatch(new RegExp(`^FAIL +cluster ${cluster.name}: token for ${clusters[0]!.users[0]}`, 'm'));
    }
    expect(output).toMatch(/How to fix:\n- cluster \S+: token for \S+: slurmrestd rejected the token/);
  });

  it('fails a private key of another App', async () => {
    const results = await collectChecks({ ...goodConfig, github: { ...goodConfig.github, privateKey: createAppKey() } });

    expect(find(results, 'GitHub App credentials').status).toBe('FAIL');
    expect(find(results, 'GitHub App credentials').fix).toMatch(/private key/);
  });
});
