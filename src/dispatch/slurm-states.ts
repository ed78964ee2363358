import type { SlurmJob } from '../slurm/types.js';

/** Slurm base states after which a job never runs again. */
const endedStates: ReadonlySet<string> = new Set([
  'COMPLETED', 'FAILED', 'TIMEOUT', 'PREEMPTED', 'NODE_FAIL', 'BOOT_FAIL',
  'CANCELLED', 'OUT_OF_MEMORY', 'DEADLINE', 'REVOKED', 'SPECIAL_EXIT',
]);

/** Returns whether a job has ended for good. A job that slurmctld no longer reports counts as ended. */
export function hasEnded(job: SlurmJob | undefined): boolean {
  return !job || endedStates.has(job.state);
}
