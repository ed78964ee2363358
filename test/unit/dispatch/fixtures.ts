import type { Config, PoolConfig } from '../../../src/config/types.js';
import { createDispatcher } from '../../../src/dispatch/dispatcher.js';
import type { DispatchContext, JitConfig, RunnerRegistry } from '../../../src/dispatch/context.js';
import { noopObserver, type DispatchObserver } from '../../../src/dispatch/observer.js';
import type { WorkflowJobEvent } from '../../../src/dispatch/types.js';
import { silentLogger } from '../../../src/log.js';
import type { JobDescription, SlurmClient, SlurmJob } from '../../../src/slurm/types.js';
import { openStore } from '../../../src/store/index.js';

/** Builds a pool with small defaults. */
export function pool(overrides: Partial<PoolConfig> & { name: string }): PoolConfig {
  return {
    labels: [],
    cluster: 'alpha',
    cpus: 2,
    timeLimitMinutes: 60,
    maxRunners: 10,
    idleTimeoutSeconds: 300,
    environment: {},
    ...overrides,
  };
}

/** Builds a complete config with one cluster `alpha`, a `linux` pool and one access rule. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    github: {
      appId: 1,
      privateKey: 'unused',
      webhookSecret: 'webhook-secret',
      apiUrl: 'http://127.0.0.1:9/api',
      runnerGroupId: 1,
      runnerScope: 'repository',
    },
    clusters: [
      {
        name: 'alpha',
        url: 'http://127.0.0.1:9',
        apiVersion: 'auto',
        auth: { type: 'hs256', keyFile: '/dev/null' },
        slurmUser: 'slurm',
        tokenLifetimeSeconds: 300,
        requestTimeoutMs: 1000,
      },
    ],
    pools: [pool({ name: 'linux', labels: ['linux'], partition: 'debug' })],
    access: [{ pattern: 'octo-org/*', clusterUser: 'alice' }],
    runner: {
      callbackUrl: 'http://127.0.0.1:8080/runners/jit-config',
      installDir: '/opt/actions-runner',
      launchTokenLifetimeSeconds: 3600,
      launchTokenSecret: 'launch-token-secret-for-tests-only',
      namePrefix: 'gha',
      workDir: '/home/%u',
      maxAttempts: 3,
    },
    store: { path: ':memory:' },
    server: { webhook: { host: '127.0.0.1', port: 0 }, bodyLimitBytes: 65536 },
    log: { level: 'info' },
    reconcileIntervalSeconds: 30,
    ...overrides,
  };
}

/** An in-memory stand-in for one cluster's `SlurmClient`, recording every call. */
export class FakeSlurm implements SlurmClient {
  readonly submissions: { user: string; job: JobDescription; jobId: number }[] = [];
  readonly cancels: number[] = [];
  readonly jobs = new Map<number, SlurmJob>();
  /** When set, the next submissions throw this error. */
  submitError: (Error & { status?: number }) | undefined;
  /** When set, the next submissions create their job and then throw this error, as if the reply was lost. */
  lostReplyError: Error | undefined;
  /** When set, listing jobs throws this error. */
  listError: Error | undefined;
  private nextId = 100;

  constructor(readonly cluster = 'alpha') {}

  async version() {
    return { release: '24.11.5', apiVersion: 'v0.0.42', servedApiVersions: ['v0.0.42'] };
  }
  async ping(): Promise<void> {}
  async submit(user: string, job: JobDescription) {
    if (this.submitError) {
      throw this.submitError;
    }
    const jobId = this.nextId++;
    this.submissions.push({ user, job, jobId });
    this.jobs.set(jobId, { jobId, name: job.name, userName: user, state: 'PENDING', stateFlags: [], comment: job.comment });
    if (this.lostReplyError) {
      throw this.lostReplyError;
    }
    return { jobId, warnings: [] };
  }
  async getJob(_user: string, jobId: number) {
    return this.jobs.get(jobId);
  }
  async listJobs() {
    if (this.listError) {
      throw this.listError;
    }
    return [...this.jobs.values()];
  }
  async cancel(_user: string, jobId: number) {
    this.cancels.push(jobId);
    const job = this.jobs.get(jobId);
    if (job && ['PENDING', 'RUNNING'].includes(job.state)) {
      job.state = 'CANCELLED';
    }
  }
  async listPartitions() {
    return ['debug'];
  }
  async close(): Promise<void> {}

  /** Sets the Slurm state of a job, as slurmctld would report it. */
  setState(jobId: number, state: string): void {
    this.jobs.get(jobId)!.state = state;
  }
}

/** An in-memory stand-in for GitHub's runner registration calls. */
export class FakeRegistry implements RunnerRegistry {
  readonly created: { runnerName: string; labels: string[]; repository: string }[] = [];
  readonly deleted: number[] = [];
  createError: Error | undefined;
  deleteError: Error | undefined;

  async createJitConfig(request: { runnerName: string; labels: string[]; repository: string }): Promise<JitConfig> {
    if (this.createError) {
      throw this.createError;
    }
    this.created.push({ runnerName: request.runnerName, labels: request.labels, repository: request.repository });
    return { runnerId: 1000 + this.created.length, encodedJitConfig: `jit-${request.runnerName}` };
  }
  async deleteRunner(request: { runnerId: number }): Promise<void> {
    if (this.deleteError) {
      throw this.deleteError;
    }
    this.deleted.push(request.runnerId);
  }
  /** Workflow job statuses that `getWorkflowJob` returns, by workflow job id; unknown ids return undefined. */
  readonly jobStatuses = new Map<number, { status: string; conclusion?: string }>();
  readonly jobReads: number[] = [];
  jobReadError: Error | undefined;
  async getWorkflowJob(request: { workflowJobId: number }) {
    this.jobReads.push(request.workflowJobId);
    if (this.jobReadError) {
      throw this.jobReadError;
    }
    return this.jobStatuses.get(request.workflowJobId);
  }
}

/** An observer that counts calls by method and first argument. */
export function countingObserver(): DispatchObserver & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  return {
    ...noopObserver,
    counts,
    unmatched: (reason) => count(`unmatched:${reason}`),
    submitted: (poolName) => count(`submitted:${poolName}`),
    submitFailed: (poolName) => count(`submitFailed:${poolName}`),
    cancelled: (_pool, _cluster, reason) => count(`cancelled:${reason}`),
    queueLatency: (poolName) => count(`queueLatency:${poolName}`),
    callback: (outcome) => count(`callback:${outcome}`),
  };
}

/** Creates a dispatch context on a real in-memory store, with stand-ins for Slurm and GitHub and a settable clock. */
export function testContext(config = testConfig()) {
  const slurm = new FakeSlurm();
  const github = new FakeRegistry();
  const observer = countingObserver();
  const clock = { now: new Date('2026-01-01T00:00:00Z') };
  let ids = 0;
  const context: DispatchContext = {
    config,
    store: openStore(':memory:'),
    slurm: new Map([['alpha', slurm]]),
    github,
    observer,
    logger: silentLogger(),
    now: () => new Date(clock.now),
    batchScript: () => '#!/bin/bash\nexec "$GHA_SLURM_RUNNER_DIR/run.sh"\n',
    newRunnerId: () => `runner-${++ids}`,
    backoff: { baseSeconds: 10, maxSeconds: 60 },
  };
  const dispatcher = createDispatcher(context, (body) => body as WorkflowJobEvent);
  const advance = (seconds: number) => {
    clock.now = new Date(clock.now.getTime() + seconds * 1000);
  };
  return { context, dispatcher, slurm, github, observer, clock, advance, store: context.store };
}

let deliveries = 0;

/** Builds a workflow job event for repository `octo-org/app` with label `linux`. */
export function jobEvent(
  action: WorkflowJobEvent['action'],
  workflowJobId: number,
  overrides: Partial<WorkflowJobEvent> = {},
): WorkflowJobEvent {
  return {
    deliveryId: `delivery-${++deliveries}`,
    action,
    workflowJobId,
    runId: 7,
    repository: 'octo-org/app',
    installationId: 42,
    labels: ['self-hosted', 'linux'],
    createdAt: new Date('2025-12-31T23:59:00Z'),
    ...overrides,
  };
}
