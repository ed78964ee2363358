import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import type { ClusterConfig } from '../../src/config/types.js';
import { createSlurmClient, type InternalClientOptions, type SlurmClientOptions } from '../../src/slurm/client.js';
import { endedJobStates } from '../../src/slurm/normalise.js';
import type { JobDescription, SlurmClient, SlurmJob } from '../../src/slurm/types.js';
import { hostPath, type ClusterInfo } from '../helpers/clusters.js';

/** Builds the `ClusterConfig` of a local cluster: HS256 with its key file. */
export function clusterConfig(info: ClusterInfo, overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    name: info.name,
    url: info.url,
    apiVersion: 'auto',
    auth: { type: 'hs256', keyFile: info.jwtKeyFile },
    slurmUser: info.slurmUser,
    tokenLifetimeSeconds: 600,
    requestTimeoutMs: 15_000,
    ...overrides,
  };
}

/** Creates a client for a local cluster that may act as the cluster's test users. */
export function clientFor(
  info: ClusterInfo,
  overrides: Partial<ClusterConfig> = {},
  options: Partial<SlurmClientOptions> = {},
  internal: InternalClientOptions = {},
): SlurmClient {
  return createSlurmClient({ cluster: clusterConfig(info, overrides), allowedUsers: new Set(info.users), ...options }, internal);
}

/** Returns the partition that jobs use when they name none. */
export function defaultPartition(info: ClusterInfo): string {
  return (info.partitions.find((partition) => partition.default) ?? info.partitions[0])?.name ?? 'debug';
}

/** Builds a batch job that runs `body` in /tmp and writes its output to a new file under /tmp on the node. */
export function batchJob(info: ClusterInfo, body: string, extra: Partial<JobDescription> = {}): JobDescription & { stdout: string } {
  const stdout = `/tmp/gha-slurm-test-${randomUUID()}.out`;
  return {
    name: 'gha-slurm-test',
    script: `#!/bin/bash\n${body}\n`,
    environment: { PATH: '/usr/bin:/bin' },
    partition: defaultPartition(info),
    timeLimitMinutes: 5,
    workingDirectory: '/tmp',
    stdout,
    ...extra,
  };
}

/** Reads a job's output file through the cluster's root folder. */
export function readOutput(info: ClusterInfo, pathOnNode: string): Promise<string> {
  return readFile(hostPath(info, pathOnNode), 'utf8');
}

/**
 * Polls `getJob` every 500 ms until `done` accepts the job, and fails after
 * `timeoutMs` naming the last state seen. The limit only bounds a stuck test.
 */
export async function waitForJob(
  client: SlurmClient,
  user: string,
  jobId: number,
  done: (job: SlurmJob) => boolean = (job) => endedJobStates.has(job.state),
  timeoutMs = 90_000,
): Promise<SlurmJob> {
  const deadline = Date.now() + timeoutMs;
  let last: SlurmJob | undefined;
  while (Date.now() < deadline) {
    last = await client.getJob(user, jobId);
    if (last && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `job ${jobId} on ${client.cluster} did not reach the expected state within ${timeoutMs} ms; ` +
      `last seen: ${last ? `${last.state} (${last.stateReason ?? 'no reason'})` : 'unknown to slurmctld'}`,
  );
}
