import type { Logger } from '../log.js';
import type { VersionAdapter } from './adapters/index.js';
import type { CallRunner } from './call.js';
import { SlurmApiError, type SlurmReplyError } from './errors.js';
import { normaliseJob, readNumber, readText, type JobReplyFields } from './normalise.js';
import { alreadyDoneError, describeEntries, invalidJobIdError } from './reply.js';
import type { SlurmClient } from './types.js';

/** The signal names that every supported API version accepts, without `SIG`. */
export const jobSignals: ReadonlySet<string> = new Set([
  'HUP', 'INT', 'QUIT', 'ABRT', 'KILL', 'ALRM', 'TERM', 'USR1', 'USR2', 'URG', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU',
]);

interface OperationsContext {
  cluster: string;
  run: CallRunner;
  adapterFor: (user: string) => Promise<VersionAdapter>;
  logger: Logger;
}

type Operations = Pick<SlurmClient, 'ping' | 'submit' | 'getJob' | 'listJobs' | 'cancel' | 'listPartitions'>;

/** Creates the version-neutral operations of `SlurmClient` on top of the call runner and an adapter. */
export function createOperations(context: OperationsContext): Operations {
  const { cluster, run, adapterFor, logger } = context;

  const invalidReply = (operation: string, user: string, missing: string): SlurmApiError =>
    new SlurmApiError(`slurmrestd of cluster ${cluster} returned a ${operation} reply without ${missing}.`, {
      failure: 'invalid-reply',
      cluster,
      operation,
      user,
    });

  const readJobs = (operation: string, user: string, body: Record<string, unknown> | undefined) => {
    if (body === undefined) return [];
    if (!Array.isArray(body.jobs)) throw invalidReply(operation, user, 'a jobs array');
    return (body.jobs as JobReplyFields[]).map((job) => {
      try {
        return normaliseJob(job);
      } catch (error) {
        throw new SlurmApiError(`slurmrestd of cluster ${cluster} returned an unreadable job: ${(error as Error).message}`, {
          failure: 'invalid-reply',
          cluster,
          operation,
          user,
          cause: error,
        });
      }
    });
  };

  // Raises before any cancel request when slurmctld reports another owner; a job that the
  // user cannot see is left to slurmctld to judge.
  const assertOwner = async (user: string, jobId: number): Promise<void> => {
    const job = await operations.getJob(user, jobId);
    if (job === undefined || job.userName === '' || job.userName === user) return;
    throw new SlurmApiError(
      `Cannot cancel job ${jobId} on cluster ${cluster} as ${user}: the job belongs to ${job.userName}, ` +
        'and only its owner may cancel it. Cancel it as that user.',
      { failure: 'rejected', cluster, operation: 'cancel', user },
    );
  };

  const operations: Operations = {
    async ping(user) {
      const adapter = await adapterFor(user);
      await run('ping', user, (call) => adapter.ping(call));
    },

    async submit(user, job) {
      const adapter = await adapterFor(user);
      const reply = await run('submit', user, (call) => adapter.submit(call, job));
      const jobId = readNumber(reply.body?.job_id);
      if (jobId === undefined) throw invalidReply('submit', user, 'a job_id');
      logger.info({ user, slurmJobId: jobId, jobName: job.name, partition: job.partition }, 'Slurm job submitted');
      return { jobId, warnings: reply.warnings };
    },

    async getJob(user, jobId) {
      const adapter = await adapterFor(user);
      try {
        const reply = await run('getJob', user, (call) => adapter.getJob(call, jobId));
        return readJobs('getJob', user, reply.body).find((job) => job.jobId === jobId);
      } catch (error) {
        if (isUnknownJob(error)) return undefined;
        throw error;
      }
    },

    async listJobs(user, since) {
      const adapter = await adapterFor(user);
      const reply = await run('listJobs', user, (call) => adapter.listJobs(call, since), {
        // v0.0.40 and later return an empty list and this warning when nothing changed.
        isExpectedWarning: (warning) => warning.description.startsWith('No job changes since'),
      });
      return readJobs('listJobs', user, reply.body);
    },

    async cancel(user, jobId, signal) {
      const signalName = signal === undefined ? undefined : toSignalName(signal);
      const adapter = await adapterFor(user);
      if (adapter.cancelChecksOwner) await assertOwner(user, jobId);
      try {
        const reply = await run('cancel', user, (call) => adapter.cancel(call, jobId, signalName));
        throwOnKillStatus(reply.body, { cluster, user, url: reply.url });
        logger.info({ user, slurmJobId: jobId, signal: signalName ?? 'KILL' }, 'Slurm job cancelled');
      } catch (error) {
        if (!(isUnknownJob(error) || hasErrorNumber(error, alreadyDoneError))) throw error;
        logger.info({ user, slurmJobId: jobId, reason: (error as SlurmApiError).errors[0]?.error }, 'Slurm job had already ended');
      }
    },

    async listPartitions(user) {
      const adapter = await adapterFor(user);
      const reply = await run('listPartitions', user, (call) => adapter.listPartitions(call));
      if (!Array.isArray(reply.body?.partitions)) throw invalidReply('listPartitions', user, 'a partitions array');
      return (reply.body.partitions as Array<{ name?: unknown }>)
        .map((partition) => readText(partition.name))
        .filter((name): name is string => name !== undefined);
    },
  };
  return operations;
}

/**
 * Raises the errors that v0.0.42 and later put in the `status[]` of a cancel
 * reply, with HTTP 200 and an empty `errors[]`, as a `SlurmApiError`.
 */
function throwOnKillStatus(body: Record<string, unknown> | undefined, context: { cluster: string; user: string; url: string }): void {
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

function hasErrorNumber(error: unknown, errorNumber: number): boolean {
  return error instanceof SlurmApiError && error.errors.some((entry) => entry.errorNumber === errorNumber);
}

function isUnknownJob(error: unknown): boolean {
  return error instanceof SlurmApiError && error.failure === 'rejected' && hasErrorNumber(error, invalidJobIdError);
}

/** Converts `SIGTERM`, `sigterm` or `TERM` into the name that slurmrestd accepts, `TERM`. */
export function toSignalName(signal: string): string {
  const name = signal.trim().toUpperCase().replace(/^SIG/, '');
  if (!jobSignals.has(name)) {
    throw new RangeError(`Unknown signal "${signal}"; use one of ${[...jobSignals].join(', ')}, with or without SIG.`);
  }
  return name;
}
