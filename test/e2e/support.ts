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
  /** Returns the configuration that the stand-in found in its environment in Slurm job `slurmJobId`, if it ran. */
  received(slurmJobId: number): string | undefined;
  /** Returns the stand-in's arguments in Slurm job `slurmJobId`, one a line, if it ran. */
  argumentsOf(slurmJobId: number): string | undefined;
}

/**
 * Installs a stand-in for the Actions runner in a fresh directory inside the
 * cluster's root. Per Slurm job it records its arguments and the configuration
 * in `ACTIONS_RUNNER_INPUT_JITCONFIG` (and exits 2 without one), sleeps
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
      'received="$(dirname "$0")/received/$SLURM_JOB_ID"',
      '# The arguments go first, so that they are there once the configuration is.',
      'for argument in "$@"; do printf "%s\\n" "$argument"; done > "$received.args"',
      '[[ -n "${ACTIONS_RUNNER_INPUT_JITCONFIG:-}" ]] || { echo "run.sh: ACTIONS_RUNNER_INPUT_JITCONFIG is missing" >&2; exit 2; }',
      'printf "%s" "$ACTIONS_RUNNER_INPUT_JITCONFIG" > "$received"',
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
    received: (slurmJobId) => readIfThere(join(hostPath, 'received', String(slurmJobId))),
    argumentsOf: (slurmJobId) => readIfThere(join(hostPath, 'received', `${slurmJobId}.args`)),
  };
}

function readIfThere(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
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
