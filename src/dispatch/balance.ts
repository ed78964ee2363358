import type { PoolConfig } from '../config/types.js';
import { decideAccess } from './access.js';
import { retryAfter } from './backoff.js';
import { cancelRunner } from './cancel.js';
import { stillWaitingOnGitHub } from './github-status.js';
import type { DispatchContext } from './context.js';
import type { CancelReason } from './observer.js';
import { previousAttempts, requestRunner, submitRunner } from './submit.js';
import type { RunnerRecord, RunnerState, WorkflowJobRecord } from './types.js';

/** Runners that have not taken a workflow job yet: each one covers one queued job. */
export const pendingStates: RunnerState[] = ['requested', 'submitted', 'configured'];
/** Runners that hold a slot of the pool's `maxRunners`. */
export const liveStates: RunnerState[] = [...pendingStates, 'busy'];

/**
 * Brings a pool's runners in line with its queued workflow jobs. Runners are not
 * bound to the job they were requested for: any runner of the pool may take any
 * of its jobs that GitHub lets it see (the same repository, or the same
 * organisation with organisation-scoped runners). So each such group needs
 * exactly as many pending runners as it has queued jobs. Surplus runners are
 * cancelled with `reason`, missing ones are requested, and due ones are submitted.
 */
export async function balancePool(context: DispatchContext, pool: PoolConfig, reason: CancelReason): Promise<void> {
  const queued = context.store.listWorkflowJobs({ state: 'queued', pool: pool.name });
  const pending = context.store.listRunners({ states: pendingStates, pool: pool.name });
  const queuedByGroup = groupBy(queued, (job) => coverageGroup(context, job.repository));
  const pendingByGroup = groupBy(pending, (runner) => coverageGroup(context, runner.repository));

  for (const group of new Set([...queuedByGroup.keys(), ...pendingByGroup.keys()])) {
    const groupQueued = queuedByGroup.get(group) ?? [];
    const groupPending = pendingByGroup.get(group) ?? [];
    const surplus = groupPending.length - groupQueued.length;
    if (surplus > 0) {
      await cancelSurplus(context, groupPending, groupQueued, surplus, reason);
    } else if (surplus < 0) {
      await requestMissing(context, pool, groupQueued, groupPending);
    }
  }

  await submitDue(context, pool);
}

/**
 * Returns the group of workflow jobs that a runner registered for `repository` may take.
 *
 * NOTE: with organisation-scoped runners, a runner started as the cluster user of
 * one repository may take a job of another repository in the same organisation.
 * Map every repository of an organisation to the same cluster user in that case.
 */
export function coverageGroup(context: DispatchContext, repository: string): string {
  const name = repository.toLowerCase();
  return context.config.github.runnerScope === 'organization' ? name.split('/')[0]! : name;
}

/**
 * Cancels `count` runners: first those not started whose own workflow job is no
 * longer queued, then the newest not started, then idle ones (when GitHub lets us
 * remove them).
 */
async function cancelSurplus(
  context: DispatchContext,
  pending: RunnerRecord[],
  queued: WorkflowJobRecord[],
  count: number,
  reason: CancelReason,
): Promise<void> {
  const queuedIds = new Set(queued.map((job) => job.workflowJobId));
  const rank = (runner: RunnerRecord): number => {
    if (runner.state === 'configured') {
      return 2;
    }
    return queuedIds.has(runner.requestedFor) ? 1 : 0;
  };
  const candidates = [...pending].sort((a, b) => rank(a) - rank(b) || b.createdAt.getTime() - a.createdAt.getTime());

  let cancelled = 0;
  for (const runner of candidates) {
    if (cancelled === count) {
      break;
    }
    if (await cancelRunner(context, runner, reason)) {
      cancelled += 1;
    }
  }
}

/** Requests a runner for each queued job that no pending runner covers, within the pool's limits. */
async function requestMissing(context: DispatchContext, pool: PoolConfig, queued: WorkflowJobRecord[], pending: RunnerRecord[]): Promise<void> {
  const { store, logger } = context;
  const uncovered = uncoveredJobs(queued, pending);
  let live = store.listRunners({ states: liveStates, pool: pool.name }).length;

  for (const job of uncovered) {
    const log = logger.child({ workflowJobId: job.workflowJobId, repository: job.repository, pool: pool.name });
    if (live >= pool.maxRunners) {
      // Debug, because every reconcile pass repeats this while the pool is full.
      log.debug({ maxRunners: pool.maxRunners }, 'pool at maxRunners; the workflow job waits for a free slot');
      return;
    }

    const used = previousAttempts(context, job.workflowJobId);
    if (used >= context.config.runner.maxAttempts) {
      log.debug({ attempts: used }, 'workflow job has used every submission attempt');
      continue;
    }
    const access = decideAccess(context.config, job.repository, pool);
    if (!access.allowed) {
      log.debug({ reason: access.reason }, 'workflow job no longer allowed on this pool; no runner requested');
      continue;
    }

    const hadRunner = store.listRunners({ requestedFor: job.workflowJobId }).length > 0;
    if (hadRunner && !(await stillWaitingOnGitHub(context, job, log))) {
      continue;
    }

    requestRunner(context, pool, job, access.clusterUser, resubmitAfter(context, job, used));
    live += 1;
  }
}

/** Returns the queued jobs, oldest first, that pending runners leave uncovered. */
function uncoveredJobs(queued: WorkflowJobRecord[], pending: RunnerRecord[]): WorkflowJobRecord[] {
  const queuedIds = new Set(queued.map((job) => job.workflowJobId));
  const covered = new Set<number>();
  let spare = 0;
  for (const runner of pending) {
    if (queuedIds.has(runner.requestedFor) && !covered.has(runner.requestedFor)) {
      covered.add(runner.requestedFor);
    } else {
      spare += 1;
    }
  }

  const oldestFirst = queued
    .filter((job) => !covered.has(job.workflowJobId))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return oldestFirst.slice(spare);
}

/** After a failed runner, waits with exponential backoff before the next submission. */
function resubmitAfter(context: DispatchContext, job: WorkflowJobRecord, used: number): Date | undefined {
  if (used === 0) {
    return undefined;
  }
  const failed = context.store.listRunners({ requestedFor: job.workflowJobId, states: ['failed'] });
  const lastEnd = Math.max(...failed.map((runner) => (runner.endedAt ?? runner.createdAt).getTime()));
  return retryAfter(context.backoff, used, new Date(lastEnd));
}

/** Submits every `requested` runner of the pool whose backoff has passed. */
async function submitDue(context: DispatchContext, pool: PoolConfig): Promise<void> {
  const now = context.now().getTime();
  const due = context.store
    .listRunners({ states: ['requested'], pool: pool.name })
    .filter((runner) => !runner.notBefore || runner.notBefore.getTime() <= now);
  for (const runner of due) {
    await submitRunner(context, runner);
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    groups.set(name, [...(groups.get(name) ?? []), item]);
  }
  return groups;
}
