import type { Logger } from '../log.js';
import type { DispatchContext } from './context.js';
import type { WorkflowJobRecord } from './types.js';

/** GitHub statuses of a workflow job that still waits for a runner. */
const waitingStatuses = new Set(['queued', 'waiting', 'pending', 'requested']);

/**
 * Checks with GitHub whether a workflow job that already had a runner still waits
 * for one, before another runner is requested for it. A lost `in_progress` or
 * `completed` webhook would otherwise leave the job queued in the store, and a
 * new runner would be submitted after every idle timeout. When GitHub reports the
 * job as started or finished, the store catches up and this returns false. When
 * GitHub cannot tell (no reader, 404, or an error), this returns true, so that a
 * GitHub outage never stops a runner.
 */
export async function stillWaitingOnGitHub(context: DispatchContext, job: WorkflowJobRecord, log: Logger): Promise<boolean> {
  const read = context.github.getWorkflowJob?.bind(context.github);
  if (!read) {
    return true;
  }

  let status;
  try {
    status = await read({ installationId: job.installationId, repository: job.repository, workflowJobId: job.workflowJobId });
  } catch (error) {
    log.warn({ err: error }, 'workflow job status lookup failed; requesting a runner anyway');
    return true;
  }
  if (!status || waitingStatuses.has(status.status)) {
    return true;
  }

  const state = status.status === 'completed' ? 'completed' : 'in_progress';
  context.store.upsertWorkflowJob({ ...job, state, conclusion: status.conclusion, runnerName: status.runnerName });
  log.info({ githubStatus: status.status, conclusion: status.conclusion }, 'workflow job no longer queued on GitHub; no runner requested');
  return false;
}
