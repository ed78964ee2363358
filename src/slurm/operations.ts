import type { Logger } from '../log.js';
import type { VersionAdapter } from './adapters/index.js';
import type { CallRunner } from './call.js';
import { notOwnerError, throwOnKillStatus, toSignalName } from './cancel.js';
import { SlurmApiError } from './errors.js';
import { normaliseJob, readNumber, readText, type JobReplyFields } from './normalise.js';
import { alreadyDoneError, invalidJobIdError } from './reply.js';
import type { SlurmClient, SlurmJob } from './types.js';

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

  const invalidReply = (operation: string, user: string, missing: string) =>
    invalidReplyError({ cluster, operation, user }, missing);
  const readJobs = (operation: string, user: string, body: Record<string, unknown> | undefined) =>
    readJobList({ cluster, operation, user }, body);

  // Raises before any cancel request when slurmctld reports another owner; a job that the
  // user cannot see is left to slurmctld to judge.
  const assertOwner = async (user: string, jobId: number): Promise<void> => {
    const job = await operations.getJob(user, jobId);
    if (job === undefined || job.userName === '' || job.userName === user) return;
    throw notOwnerError(cluster, user, jobId, job.userName);
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

function hasErrorNumber(error: unknown, errorNumber: number): boolean {
  return error instanceof SlurmApiError && error.errors.some((entry) => entry.errorNumber === errorNumber);
}

function isUnknownJob(error: unknown): boolean {
  return error instanceof SlurmApiError && error.failure === 'rejected' && hasErrorNumber(error, invalidJobIdError);
}

interface ReplyContext {
  cluster: string;
  operation: string;
  user: string;
}

function invalidReplyError(context: ReplyContext, missing: string): SlurmApiError {
  return new SlurmApiError(
    `slurmrestd of cluster ${context.cluster} returned a ${context.operation} reply without ${missing}.`,
    { failure: 'invalid-reply', ...context },
  );
}

/** Normalises the `jobs[]` of a reply; an empty (304) reply lists no jobs. */
function readJobList(context: ReplyContext, body: Record<string, unknown> | undefined): SlurmJob[] {
  if (body === undefined) return [];
  if (!Array.isArray(body.jobs)) throw invalidReplyError(context, 'a jobs array');
  return (body.jobs as JobReplyFields[]).map((job) => {
    try {
      return normaliseJob(job);
    } catch (error) {
      throw new SlurmApiError(
        `slurmrestd of cluster ${context.cluster} returned an unreadable job: ${(error as Error).message}`,
        { failure: 'invalid-reply', ...context, cause: error },
      );
    }
  });
}
