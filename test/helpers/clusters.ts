/**
 * The local Slurm clusters that `npm run slurm:up` starts, as described by the
 * `cluster.json` file that `scripts/slurm/up.sh` writes into each cluster's
 * state folder (`.cache/slurm/<version>/`, or `$GHA_SLURM_CACHE/<version>/`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { z } from 'zod';

const partitionSchema = z.object({
  name: z.string().min(1),
  default: z.boolean(),
  maxTimeMinutes: z.number().int().positive(),
});

const clusterSchema = z.object({
  name: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+$/),
  release: z.string().min(1),
  url: z.url(),
  apiVersions: z.array(z.string().regex(/^v\d+\.\d+\.\d+$/)).min(1),
  jwtKeyFile: z.string().startsWith('/'),
  slurmUser: z.string().min(1),
  restUser: z.string().min(1),
  users: z.array(z.string().min(1)).min(1),
  rootDir: z.string().startsWith('/'),
  partitions: z.array(partitionSchema).min(1),
  logDir: z.string().startsWith('/'),
});

/** One running local cluster. */
export type ClusterInfo = z.infer<typeof clusterSchema>;

/** One partition of a local cluster. */
export type PartitionInfo = z.infer<typeof partitionSchema>;

/** The Slurm versions required when `GHA_SLURM_VERSIONS` is not set. */
export const defaultSlurmVersions = ['22.05', '24.11', '26.05'] as const;

const repoDir = join(import.meta.dirname, '..', '..');

/** Returns the folder that contains one state folder per cluster. */
export function clusterCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GHA_SLURM_CACHE ? resolve(env.GHA_SLURM_CACHE) : join(repoDir, '.cache', 'slurm');
}

/** Reads and checks one `cluster.json`; the error names the file and the invalid fields. */
export function readClusterFile(file: string): ClusterInfo {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}; restart the cluster with npm run slurm:up`, { cause: error });
  }

  const parsed = clusterSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`invalid ${file}: ${problems.join('; ')}; restart the cluster with npm run slurm:up`);
  }

  return parsed.data;
}

/**
 * Reads every `<cache>/<version>/cluster.json`, sorted by version. A cluster
 * that `npm run slurm:down` stopped has no `cluster.json` and is left out.
 */
export function loadClusters(env: NodeJS.ProcessEnv = process.env): ClusterInfo[] {
  const cacheDir = clusterCacheDir(env);
  if (!existsSync(cacheDir)) return [];

  return readdirSync(cacheDir)
    .filter((entry) => /^\d+\.\d+$/.test(entry))
    .sort()
    .map((entry) => join(cacheDir, entry, 'cluster.json'))
    .filter((file) => existsSync(file))
    .map((file) => readClusterFile(file));
}

/**
 * Returns the clusters that `GHA_SLURM_VERSIONS` (comma-separated, default
 * `22.05,24.11,26.05`) requires, in that order. Throws, naming each missing
 * version and the command that starts it, so that a test fails instead of skipping.
 */
export function requiredClusters(env: NodeJS.ProcessEnv = process.env): ClusterInfo[] {
  const versions = (env.GHA_SLURM_VERSIONS ?? defaultSlurmVersions.join(','))
    .split(',')
    .map((version) => version.trim())
    .filter((version) => version.length > 0);
  if (versions.length === 0) {
    throw new Error(`GHA_SLURM_VERSIONS is empty; set it to a comma-separated list such as ${defaultSlurmVersions.join(',')}`);
  }

  const running = new Map(loadClusters(env).map((cluster) => [cluster.version, cluster]));
  const missing = versions.filter((version) => !running.has(version));
  if (missing.length > 0) {
    const commands = missing.map((version) => `npm run slurm:up -- ${version}`).join(' and ');
    throw new Error(
      `Slurm cluster ${missing.join(', ')} is not running (no cluster.json in ${clusterCacheDir(env)}); start it, as root, with ${commands}`,
    );
  }

  return versions.map((version) => running.get(version)!);
}

/**
 * Maps a path on the cluster's node to the same file on this machine.
 * The 22.05 node is the host itself, and the others run in a chroot under `rootDir`.
 */
export function hostPath(cluster: Pick<ClusterInfo, 'rootDir'>, pathInsideNode: string): string {
  if (!pathInsideNode.startsWith('/')) {
    throw new Error(`path ${JSON.stringify(pathInsideNode)} on the node must be absolute`);
  }

  return join(cluster.rootDir, pathInsideNode);
}
