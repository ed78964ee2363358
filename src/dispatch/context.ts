import type { Config, PoolConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { SlurmClient } from '../slurm/types.js';
import type { Store } from '../store/types.js';
import type { BackoffPolicy } from './backoff.js';
import type { DispatchObserver } from './observer.js';

/** A just-in-time runner configuration, as GitHub returns it. */
export interface JitConfig {
  /** GitHub's id of the registered runner, needed to remove it later. */
  runnerId: number;
  /** The opaque configuration that the runner reads from `ACTIONS_RUNNER_INPUT_JITCONFIG`. Secret. */
  encodedJitConfig: string;
}

/** The calls dispatch makes to GitHub; `src/github/` provides them. */
export interface RunnerRegistry {
  /** Registers a JIT runner for the repository (or its organisation) and returns its configuration. */
  createJitConfig(request: {
    installationId: number;
    repository: string;
    runnerName: string;
    labels: string[];
  }): Promise<JitConfig>;
  /** Removes a registered runner; a runner that no longer exists counts as removed. */
  deleteRunner(request: { installationId: number; repository: string; runnerId: number }): Promise<void>;
  /** Reads a workflow job's status; `undefined` when GitHub does not know the job. */
  getWorkflowJob?(request: {
    installationId: number;
    repository: string;
    workflowJobId: number;
  }): Promise<{ status: string; conclusion?: string; runnerName?: string } | undefined>;
}

/** Everything the dispatch steps use, built once by `src/main.ts`. */
export interface DispatchContext {
  config: Config;
  store: Store;
  /** One client per cluster, by cluster name. */
  slurm: ReadonlyMap<string, SlurmClient>;
  github: RunnerRegistry;
  observer: DispatchObserver;
  logger: Logger;
  now: () => Date;
  /** Returns the batch script text for a pool: its `scriptTemplate`, or `runner/batch.sh`. */
  batchScript: (pool: PoolConfig) => string;
  /** Creates a new runner id. */
  newRunnerId: () => string;
  /** Waits between failed submissions of the same workflow job. */
  backoff: BackoffPolicy;
}

/** Returns the configured pool named `name`, or undefined when it was removed from the config. */
export function findPool(context: DispatchContext, name: string): PoolConfig | undefined {
  return context.config.pools.find((pool) => pool.name === name);
}

/** Returns the client for `cluster`; the config loader guarantees that every pool's cluster exists. */
export function slurmFor(context: DispatchContext, cluster: string): SlurmClient {
  const client = context.slurm.get(cluster);
  if (!client) {
    throw new Error(`no Slurm client for cluster "${cluster}": add it under clusters in the config`);
  }
  return client;
}
