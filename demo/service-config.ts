/**
 * The demo's gha-slurm configuration: a generated App key, a random webhook secret
 * and launch token secret, and a YAML file that points gha-slurm at the GitHub
 * stand-in (as for GitHub Enterprise Server) and at the local cluster. Every file
 * is written with mode 0600.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClusterInfo } from './cluster.js';

/** The demo's two repositories, the cluster user of each, and the labels of each one's job (which select the pool). */
export const demoInstallationId = 1001;
export const demoRepositories = {
  first: { repository: 'demo-org/simulation', user: 'ci-alice', labels: ['self-hosted', 'slurm', 'short'] },
  second: { repository: 'demo-org/analysis', user: 'ci-bob', labels: ['self-hosted', 'slurm', 'long'] },
} as const;

/** The secrets that the stand-ins share with gha-slurm. */
export interface DemoSecrets {
  appId: number;
  publicKey: KeyObject;
  webhookSecret: string;
}

/** Inputs of the configuration file. */
export interface DemoConfigInput {
  dir: string;
  cluster: ClusterInfo;
  githubUrl: string;
  callbackUrl: string;
  installDir: string;
  workDir: string;
}

/** Generates the App key (PKCS#1 PEM, as GitHub hands them out) and the secrets, and writes them into `dir`. */
export function writeDemoSecrets(dir: string): DemoSecrets {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const webhookSecret = randomBytes(32).toString('hex');

  writeSecretFile(dir, 'app-private-key.pem', privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  writeSecretFile(dir, 'webhook-secret', webhookSecret);
  writeSecretFile(dir, 'launch-token-secret', randomBytes(32).toString('hex'));
  return { appId: 424242, publicKey, webhookSecret };
}

/** Writes the YAML configuration that refers to the secret files; returns its path. */
export function writeDemoConfig(input: DemoConfigInput, secrets: DemoSecrets): string {
  return writeSecretFile(input.dir, 'gha-slurm.yaml', stringify(buildConfig(input, secrets.appId)));
}

function writeSecretFile(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

function buildConfig(input: DemoConfigInput, appId: number): Record<string, unknown> {
  const { cluster } = input;
  const byTimeLimit = [...cluster.partitions].sort((a, b) => a.maxTimeMinutes - b.maxTimeMinutes);
  const shortPartition = cluster.partitions.find((entry) => entry.default) ?? byTimeLimit[0]!;
  const longPartition = byTimeLimit.at(-1)!;

  const pool = (name: string, labels: readonly string[], partition: ClusterInfo['partitions'][number], timeLimitMinutes: number) => ({
    name,
    labels: labels.filter((label) => label !== 'self-hosted'),
    cluster: cluster.name,
    partition: partition.name,
    cpus: 1,
    timeLimitMinutes: Math.min(timeLimitMinutes, partition.maxTimeMinutes),
    maxRunners: 2,
    idleTimeoutSeconds: 120,
  });

  return {
    github: {
      appId,
      privateKey: { file: 'app-private-key.pem' },
      webhookSecret: { file: 'webhook-secret' },
      apiUrl: input.githubUrl,
    },
    clusters: [{ name: cluster.name, url: cluster.url, auth: { type: 'hs256', keyFile: cluster.jwtKeyFile }, slurmUser: cluster.slurmUser }],
    pools: [pool('short', demoRepositories.first.labels, shortPartition, 10), pool('long', demoRepositories.second.labels, longPartition, 120)],
    access: [
      { pattern: demoRepositories.first.repository, clusterUser: demoRepositories.first.user },
      { pattern: demoRepositories.second.repository, clusterUser: demoRepositories.second.user },
    ],
    runner: {
      callbackUrl: input.callbackUrl,
      installDir: input.installDir,
      launchTokenSecret: { file: 'launch-token-secret' },
      namePrefix: 'demo',
      workDir: input.workDir,
    },
    store: { path: 'gha-slurm.db' },
    server: { webhook: { host: '127.0.0.1', port: 0 }, internal: { host: '127.0.0.1', port: 0 } },
    log: { level: 'info' },
    reconcileIntervalSeconds: 5,
  };
}
