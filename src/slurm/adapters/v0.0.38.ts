import createClient from 'openapi-fetch';

import type { components, paths } from '../../../generated/slurmrestd-v0.0.38.js';
import type { JobDescription } from '../types.js';
import { toUnixSeconds, type AdapterOptions, type VersionAdapter } from './types.js';

type Schemas = components['schemas'];
type JobSignal = Schemas['v0.0.38_signal'];
type JobProperties = Schemas['v0.0.38_job_properties'];
// openapi-typescript marks fields that have a default in the spec as required, but
// slurmrestd applies those defaults itself, so a request leaves them out.
type JobRequest = Omit<JobProperties, 'open_mode' | 'oversubscribe'> &
  Partial<Pick<JobProperties, 'open_mode' | 'oversubscribe'>>;

/**
 * Builds the v0.0.38 (Slurm 22.05) submit body: the script at the top level, the
 * environment as an object, memory and time as plain integers (MB, minutes).
 */
export function submitBodyV0038(job: JobDescription, extraJobFields: Record<string, unknown> = {}): Schemas['v0.0.38_job_submission'] {
  const properties: JobRequest = {
    name: job.name,
    // NOTE: the v0.0.38 spec declares `environment` as an object without properties, which
    // openapi-typescript turns into Record<string, never>; slurmrestd takes string values.
    environment: { ...job.environment } as Record<string, never>,
    partition: job.partition,
    cpus_per_task: job.cpusPerTask,
    memory_per_node: job.memoryMb,
    time_limit: job.timeLimitMinutes,
    account: job.account,
    qos: job.qos,
    gres: job.gres,
    constraints: job.constraint,
    nodes: job.nodes === undefined ? undefined : [job.nodes, job.nodes],
    comment: job.comment,
    current_working_directory: job.workingDirectory,
    standard_output: job.stdout,
    standard_error: job.stderr,
  };
  const withExtra = { ...properties, ...extraJobFields } as JobProperties;
  const body: Schemas['v0.0.38_job_submission'] = { script: job.script, job: withExtra };
  return body;
}

/** Creates the adapter for v0.0.38, the API of Slurm 22.05. */
export function createAdapterV0038(options: AdapterOptions): VersionAdapter {
  const client = createClient<paths>({ baseUrl: options.baseUrl, Request: options.Request });

  return {
    apiVersion: 'v0.0.38',
    cancelChecksOwner: false,
    ping: (call) => client.GET('/slurm/v0.0.38/ping', { ...call }),
    submit: (call, job) =>
      client.POST('/slurm/v0.0.38/job/submit', { ...call, body: submitBodyV0038(job, options.extraJobFields) }),
    getJob: (call, jobId) =>
      client.GET('/slurm/v0.0.38/job/{job_id}', { ...call, params: { path: { job_id: String(jobId) } } }),
    listJobs: (call, since) =>
      client.GET('/slurm/v0.0.38/jobs', {
        ...call,
        params: { query: since === undefined ? {} : { update_time: toUnixSeconds(since) } },
      }),
    cancel: (call, jobId, signal) =>
      client.DELETE('/slurm/v0.0.38/job/{job_id}', {
        ...call,
        params: {
          path: { job_id: String(jobId) },
          query: signal === undefined ? {} : { signal: signal as JobSignal },
        },
      }),
    listPartitions: (call) => client.GET('/slurm/v0.0.38/partitions', { ...call }),
  };
}
