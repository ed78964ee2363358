/** Helpers of the cancel operation: signal names, the status[] of v0.0.42+ replies, and the owner check. */
import { SlurmApiError, type SlurmReplyError } from './errors.js';
import { readNumber, readText } from './normalise.js';
import { describeEntries } from './reply.js';

/** The signal names that every supported API version accepts, without `SIG`. */
export const jobSignals: ReadonlySet<string> = new Set([
  'HUP', 'INT', 'QUIT', 'ABRT', 'KILL', 'ALRM', 'TERM', 'USR1', 'USR2', 'URG', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU',
]);

/** Converts `SIGTERM`, `sigterm` or `TERM` into the name that slurmrestd accepts, `TERM`. */
export function toSignalName(signal: string): string {
  const name = signal.trim().toUpperCase().replace(/^SIG/, '');
  if (!jobSignals.has(name)) {
    throw new RangeError(`Unknown signal "${signal}"; use one of ${[...jobSignals].join(', ')}, with or without SIG.`);
  }
  return name;
}

/**
 * Raises the errors that v0.0.42 and later put in the `status[]` of a cancel
 * reply, with HTTP 200 and an empty `errors[]`, as a `SlurmApiError`.
 */
export function throwOnKillStatus(body: Record<string, unknown> | undefined, context: { cluster: string; user: string; url: string }): void {
  if (!Array.isArray(body?.status)) return;
  const errors: SlurmReplyError[] = [];
  for (const entry of body.status as Array<{ error?: Record<string, unknown> }>) {
    const errorNumber = readNumber(entry.error?.code);
    if (errorNumber === undefined || errorNumber === 0) continue;
    errors.push({ errorNumber, error: readText(entry.error?.string), description: readText(entry.error?.message) });
  }
  if (errors.length === 0) return;
  throw new SlurmApiError(
    `Slurm rejected cancel on cluster ${context.cluster} as ${context.user} (HTTP 200): ${describeEntries(errors)}.`,
    { failure: 'rejected', operation: 'cancel', status: 200, errors, ...context },
  );
}

/** Builds the error for a cancel that `user` may not send, because slurmctld reports another owner. */
export function notOwnerError(cluster: string, user: string, jobId: number, owner: string): SlurmApiError {
  return new SlurmApiError(
    `Cannot cancel job ${jobId} on cluster ${cluster} as ${user}: the job belongs to ${owner}, ` +
      'and only its owner may cancel it. Cancel it as that user.',
    { failure: 'rejected', cluster, operation: 'cancel', user },
  );
}
