import type { RunnerState, WorkflowJobState } from '../dispatch/types.js';

const workflowJobRank: Record<WorkflowJobState, number> = { queued: 0, in_progress: 1, completed: 2 };

const runnerRank: Record<RunnerState, number> = {
  requested: 0,
  submitted: 1,
  configured: 2,
  busy: 3,
  done: 4,
  failed: 4,
  cancelled: 4,
};

const endStates = new Set<RunnerState>(['done', 'failed', 'cancelled']);

/** Checks whether a workflow job may move from `from` to `to`: forward, or staying where it is. */
export function isWorkflowJobMoveAllowed(from: WorkflowJobState, to: WorkflowJobState): boolean {
  return workflowJobRank[to] >= workflowJobRank[from];
}

/**
 * Checks whether a runner may move from `from` to `to`. States move forward in the order
 * requested, submitted, configured, busy, done; `failed` and `cancelled` may follow
 * any state before an end state. A runner may also stay in its state, so that a
 * compare-and-set on the same state can claim it.
 */
export function isRunnerMoveAllowed(from: RunnerState, to: RunnerState): boolean {
  if (from === to) {
    return true;
  }
  if (endStates.has(from)) {
    return false;
  }
  if (to === 'failed' || to === 'cancelled') {
    return true;
  }
  return runnerRank[to] > runnerRank[from];
}
