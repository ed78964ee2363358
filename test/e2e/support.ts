/**
 * What the end-to-end tests share: a runner directory with a stand-in `run.sh`
 * inside a cluster's root, and bounded waits.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { hostPath as nodeToHostPath, type ClusterInfo } from '../helpers/clusters.js';

/** A runner directory inside the node, and the same directory on this machine. */
export interface RunnerDir {
  /** The directory that contains `run.sh`, as a path inside the node. */
  jobPath: string;
  /** The same directory on this machine. */
  hostPath: string;
  /** Returns the `--jitconfig` value that the stand-in received in Slurm job `slurmJobId`, if it ran. */
  received(slurmJobId: number): string | undefined;
}

/**
 * Installs a stand-in for the Actions runner in a fresh directory inside the
 * cluster's root. It records its `--jitconfig` value per Slurm job, sleeps
 * `FAKE_RUNNER_SLEEP` seconds (1 by default) and exits 0.
 */
export function installRunnerDir(cluster: ClusterInfo): RunnerDir {
  const jobPath = `/tmp/gha-slurm-e2e-${randomUUID()}`;
  const hostPath = nodeToHostPath(cluster, jobPath);
  mkdirSync(join(hostPath, 'received'), { recursive: true });
  mkdirSync(join(hostPath, 'work'), { recursive: true });
  writeFileSync(
    join(hostPath, 'run.sh'),
    [
      '#!/bin/bash',
      '[[ "$1" == --jitconfig ]] || { echo "expected --jitconfig" >&2; exit 2; }',
      'printf "%s" "$2" > "$(dirname "$0")/received/$SLURM_JOB_ID"',
      'sleep "${FAKE_RUNNER_SLEEP:-1}"',
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(hostPath, 0o755);
  chmodSync(join(hostPath, 'run.sh'), 0o755);
  // The jobs run as the cluster users, who must write there.
  chmodSync(join(hostPath, 'received'), 0o777);
  chmodSync(join(hostPath, 'work'), 0o777);

  return {
    jobPath,
    hostPath,
    received: (slurmJobId) => {
      const file = join(hostPath, 'received', String(slurmJobId));
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
  };
}

/** Returns a TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) {
    throw new Error('no port assigned');
  }
  return address.port;
}

/**
 * Polls `probe` until it returns a value other than undefined or false, and
 * throws with `what` after `timeoutMs`.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
