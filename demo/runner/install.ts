/**
 * Installs the runner stand-in on the cluster's node: `run.sh` and its `demo.env`
 * in a runner folder, and one working folder per cluster user, all under one demo
 * folder in the node's `/tmp` so that one removal cleans everything.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeUser } from '../cluster.js';

/** Paths of the stand-in and the jobs' working folders, on the node and on this machine. */
export interface RunnerInstall {
  /** `runner.installDir`: the runner folder, as a path on the node. */
  installDir: string;
  /** `runner.workDir`: the working folder pattern, as a path on the node (`%u` is the user). */
  workDir: string;
  /** The demo folder on this machine (under the node's root), holding the runner and job logs. */
  hostDir: string;
  /** The working folder of `user` on this machine, where the Slurm job logs appear. */
  hostWorkDir(user: string): string;
  /** Removes everything installed. */
  remove(): void;
}

/**
 * Installs the stand-in under `rootDir` (the node's `/`). `githubUrl` is the GitHub
 * stand-in's base URL; `maxSeconds` bounds how long the stand-in waits for a job and runs it.
 */
export function installRunner(rootDir: string, users: readonly string[], githubUrl: string, maxSeconds: number): RunnerInstall {
  const nodeDir = `/tmp/gha-slurm-demo-${randomBytes(4).toString('hex')}`;
  const hostDir = join(rootDir, nodeDir);
  const hostRunnerDir = join(hostDir, 'runner');

  mkdirSync(hostRunnerDir, { recursive: true, mode: 0o755 });
  chmodSync(hostDir, 0o755);
  copyFileSync(join(import.meta.dirname, 'run.sh'), join(hostRunnerDir, 'run.sh'));
  chmodSync(join(hostRunnerDir, 'run.sh'), 0o755);
  writeFileSync(join(hostRunnerDir, 'demo.env'), `DEMO_GITHUB_URL='${githubUrl}'\nDEMO_MAX_SECONDS=${maxSeconds}\n`, { mode: 0o644 });

  // Slurm opens the job's output file in its working folder as the job's user, so each user owns theirs.
  for (const user of users) {
    const { uid, gid } = nodeUser(rootDir, user);
    const dir = join(hostDir, 'work', user);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chownSync(dir, uid, gid);
  }

  return {
    installDir: `${nodeDir}/runner`,
    workDir: `${nodeDir}/work/%u`,
    hostDir,
    hostWorkDir: (user) => join(hostDir, 'work', user),
    remove: () => rmSync(hostDir, { recursive: true, force: true }),
  };
}
