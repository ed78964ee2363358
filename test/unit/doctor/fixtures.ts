import type { Config } from '../../../src/config/types.js';
import type { SlurmAccounting } from '../../../src/doctor/index.js';
import type { SlurmClient, SlurmVersionInfo } from '../../../src/slurm/types.js';

/** Builds a configuration with two clusters, three pools and two access rules. */
export function doctorConfig(overrides: { appId: number; privateKey: string; apiUrl: string; callbackUrl: string }): Config {
  const cluster = (name: string) => ({
    name,
    url: `http://127.0.0.1:9/${name}`,
    apiVersion: 'auto',
    auth: { type: 'hs256' as const, keyFile: '/nonexistent/jwt.key' },
    slurmUser: 'slurm',
    tokenLifetimeSeconds: 300,
    requestTimeoutMs: 1000,
  });
  const pool = (name: string, clusterName: string, extra: Partial<Config['pools'][number]> = {}) => ({
    name,
    labels: [name],
    cluster: clusterName,
    cpus: 1,
    timeLimitMinutes: 60,
    maxRunners: 2,
    idleTimeoutSeconds: 60,
    environment: {},
    ...extra,
  });

  return {
    github: {
      appId: overrides.appId,
      privateKey: overrides.privateKey,
      webhookSecret: 'unused',
      apiUrl: overrides.apiUrl,
      runnerGroupId: 1,
      runnerScope: 'repository',
    },
    clusters: [cluster('hpc1'), cluster('hpc2')],
    pools: [
      pool('cpu', 'hpc1', { partition: 'batch', account: 'research', qos: 'normal' }),
      pool('gpu', 'hpc1', { partition: 'gpu' }),
      pool('small', 'hpc2'),
    ],
    access: [
      { pattern: 'octo-org/private', clusterUser: 'alice', pools: ['gpu'] },
      { pattern: 'octo-org/*', clusterUser: 'ci', clusterUsers: { hpc2: 'ci2' } },
    ],
    runner: {
      callbackUrl: overrides.callbackUrl,
      installDir: '/opt/actions-runner',
      launchTokenLifetimeSeconds: 3600,
      launchTokenSecret: 'x'.repeat(32),
      namePrefix: 'slurm',
      workDir: '/tmp',
      maxAttempts: 3,
    },
    store: { path: ':memory:' },
    server: { webhook: { host: '127.0.0.1', port: 0 }, bodyLimitBytes: 1_048_576 },
    log: { level: 'info' },
    reconcileIntervalSeconds: 30,
  };
}

/** How a fake cluster behaves; every field has a working default. */
export interface FakeClusterBehaviour {
  version?: () => Promise<SlurmVersionInfo>;
  /** Runs before every read as `user`; a rejection stands for slurmctld rejecting the token. */
  authenticate?: (user: string) => Promise<void>;
  partitions?: string[];
  accounting?: { accounts: string[]; qos: string[] } | (() => Promise<never>);
}

/**
 * Creates a stand-in for one cluster's Slurm client in unit tests. The real client
 * runs against real slurmrestd daemons in the end-to-end doctor test.
 */
export function fakeSlurmClient(name: string, behaviour: FakeClusterBehaviour = {}): SlurmClient & Partial<SlurmAccounting> {
  const unused = () => Promise.reject(new Error('doctor must not call this'));
  const client: SlurmClient & Partial<SlurmAccounting> = {
    cluster: name,
    version: behaviour.version ?? (async () => ({ release: '24.11.5', apiVersion: 'v0.0.42', servedApiVersions: ['v0.0.41', 'v0.0.42'] })),
    ping: async () => undefined,
    listPartitions: async (user) => {
      await behaviour.authenticate?.(user);
      return behaviour.partitions ?? ['batch', 'gpu'];
    },
    submit: unused,
    getJob: unused,
    listJobs: unused,
    cancel: unused,
    close: async () => undefined,
  };

  const accounting = behaviour.accounting;
  if (typeof accounting === 'function') {
    client.listAccounts = accounting;
    client.listQos = accounting;
  } else if (accounting) {
    client.listAccounts = async () => accounting.accounts;
    client.listQos = async () => accounting.qos;
  }
  return client;
}
