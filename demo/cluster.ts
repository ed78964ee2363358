/**
 * The local Slurm cluster of the demo: started and stopped with the project's own
 * `scripts/slurm/up.sh` and `down.sh`, described by the `cluster.json` they write.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** Slurm versions that `scripts/slurm/up.sh` can start. */
export const slurmVersions = ['22.05', '24.11', '26.05'] as const;
export type SlurmVersion = (typeof slurmVersions)[number];

const clusterInfoSchema = z.object({
  name: z.string().min(1),
  release: z.string().min(1),
  url: z.url(),
  jwtKeyFile: z.string().min(1),
  slurmUser: z.string().min(1),
  users: z.array(z.string().min(1)).min(2),
  rootDir: z.string().startsWith('/'),
  partitions: z.array(z.object({ name: z.string().min(1), default: z.boolean(), maxTimeMinutes: z.number().int().positive() })).min(1),
  logDir: z.string().optional(),
});

/** The fields of `cluster.json` that the demo reads. */
export type ClusterInfo = z.infer<typeof clusterInfoSchema>;

/** The repository's root folder, where `scripts/` and `.cache/` live. */
export const repoDir = resolve(import.meta.dirname, '..');

/** Path of `cluster.json` of `version`; `GHA_SLURM_CACHE` moves the cache as it does for the scripts. */
export function clusterJsonPath(version: SlurmVersion): string {
  const cacheDir = process.env.GHA_SLURM_CACHE ?? join(repoDir, '.cache', 'slurm');
  return join(cacheDir, version, 'cluster.json');
}

/** Reads and checks `cluster.json`; the error names the file and the field. */
export function readClusterInfo(file: string): ClusterInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${file} (${(error as Error).message}); start the cluster with 'npm run slurm:up'`, { cause: error });
  }

  const result = clusterInfoSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`${file} is not a valid cluster description: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Returns whether the cluster of `version` runs: its `cluster.json` exists and slurmrestd responds. */
export async function isClusterRunning(version: SlurmVersion): Promise<boolean> {
  const file = clusterJsonPath(version);
  if (!existsSync(file)) return false;

  try {
    const { url } = readClusterInfo(file);
    // Any HTTP response shows that slurmrestd listens. Without a token it returns 401 or 500.
    await fetch(`${url}/openapi/v3`, { signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

/** Runs `scripts/slurm/<script> <version>`, its output appended to `logFile`; rejects on failure or timeout. */
export function runClusterScript(script: 'up.sh' | 'down.sh', version: SlurmVersion, logFile: string, timeoutMs: number): Promise<void> {
  const fd = openSync(logFile, 'a');
  const child = spawn('bash', [join(repoDir, 'scripts', 'slurm', script), version], { stdio: ['ignore', fd, fd] });
  closeSync(fd);

  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`scripts/slurm/${script} ${version} timed out after ${timeoutMs / 1000} s; see ${logFile}`));
    }, timeoutMs);

    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Cannot run scripts/slurm/${script}: ${error.message}`, { cause: error }));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new Error(`scripts/slurm/${script} ${version} failed (${signal ?? `exit code ${code}`}); see ${logFile}`));
    });
  });
}

/** Returns the uid and gid of `user` from the node's `/etc/passwd` under `rootDir`. */
export function nodeUser(rootDir: string, user: string): { uid: number; gid: number } {
  const passwd = readFileSync(join(rootDir, 'etc', 'passwd'), 'utf8');
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === user) return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error(`User ${user} not found in ${join(rootDir, 'etc', 'passwd')}; run 'npm run slurm:up' again to create it`);
}
