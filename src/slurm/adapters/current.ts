/**
 * The adapter shared by v0.0.40 and later (Slurm 23.11 onwards), whose requests
 * have one shape: the script inside `job`, the environment as `K=V` strings,
 * memory and time as `{set, infinite, number}`, collection paths ending in `/`.
 * Each version's file only binds its generated `paths` and checks the body type.
 */
import type { Client } from 'openapi-fetch';

import type { FetchResult } from '../reply.js';
import type { JobDescription } from '../types.js';
import type { AdapterCall, AdapterOptions, VersionAdapter } from './types.js';

/** The endpoints that the shared adapter calls; every version's `paths` must have them. */
export type CurrentEndpoints<Version extends string> =
  | `/slurm/${Version}/ping/`
  | `/slurm/${Version}/job/submit`
  | `/slurm/${Version}/job/{job_id}`
  | `/slurm/${Version}/jobs/`
  | `/slurm/${Version}/partitions/`;

/**
 * The JSON request body of `POST /slurm/<version>/job/submit` in a version's
 * generated `paths`. It is `never`, so that assigning a body fails to compile,
 * when the version's `job` schema lacks a field of `CurrentJobDescription`.
 */
export type SubmitBody<Paths, Version extends string> = Paths extends Record<
  `/slurm/${Version}/job/submit`,
  { post: { requestBody?: { content: { 'application/json': infer Body } } } }
>
  ? Exclude<keyof CurrentJobDescription, keyof JobOf<Body>> extends never
    ? Body
    : never
  : never;

type JobOf<Body> = Body extends { job?: infer Job } ? NonNullable<Job> : never;

/** A number in the `{set, infinite, number}` form of v0.0.40 and later. */
export interface NoValNumber {
  set: boolean;
  infinite: boolean;
  number: number;
}

/** The `job` fields that gha-slurm sets; each version's `job_desc_msg` must accept them. */
export interface CurrentJobDescription {
  name: string;
  script: string;
  environment: string[];
  current_working_directory: string;
  partition?: string;
  cpus_per_task?: number;
  memory_per_node?: NoValNumber;
  time_limit?: NoValNumber;
  account?: string;
  qos?: string;
  tres_per_node?: string;
  constraints?: string;
  minimum_nodes?: number;
  maximum_nodes?: number;
  comment?: string;
  standard_output?: string;
  standard_error?: string;
}

function setNumber(value: number | undefined): NoValNumber | undefined {
  return value === undefined ? undefined : { set: true, infinite: false, number: value };
}

/**
 * Converts `--gres` syntax (`gpu:a100:1,shard:2`) into the TRES form that
 * `tres_per_node` takes from v0.0.40 on (`gres/gpu:a100:1,gres/shard:2`).
 * slurmctld rejects the bare `gpu:1` form with "Invalid Trackable RESource (TRES) specification".
 */
export function gresToTresPerNode(gres: string): string {
  return gres
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => (item.startsWith('gres/') ? item : `gres/${item.replace(/^gres:/, '')}`))
    .join(',');
}

/** Builds the `job` object of a v0.0.40+ submit body. */
export function currentJobDescription(job: JobDescription): CurrentJobDescription {
  return {
    name: job.name,
    script: job.script,
    environment: Object.entries(job.environment).map(([name, value]) => `${name}=${value}`),
    current_working_directory: job.workingDirectory,
    partition: job.partition,
    cpus_per_task: job.cpusPerTask,
    memory_per_node: setNumber(job.memoryMb),
    time_limit: setNumber(job.timeLimitMinutes),
    account: job.account,
    qos: job.qos,
    tres_per_node: job.gres === undefined ? undefined : gresToTresPerNode(job.gres),
    constraints: job.constraint,
    minimum_nodes: job.nodes,
    maximum_nodes: job.nodes,
    comment: job.comment,
    standard_output: job.stdout,
    standard_error: job.stderr,
  };
}

/**
 * Formats `since` as `now-<N>seconds`. In 24.11, v0.0.40 and v0.0.41 reject Unix
 * seconds in `update_time` ("Parsing of ... for timestamp failed"), while this
 * form works with v0.0.40 to v0.0.42 of 24.11 and with v0.0.45 of 26.05. Being relative, it also does not depend on the time
 * zone or clock of slurmrestd. N is rounded up, so the window never starts late.
 */
export function relativeUpdateTime(since: Date, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.ceil((now - since.getTime()) / 1000));
  return `now-${seconds}seconds`;
}

// The slice of openapi-fetch's client that the shared adapter uses. Each version
// binds its own typed client to it, so paths are checked by `CurrentEndpoints`.
interface LooseInit extends Partial<AdapterCall> {
  params?: { path?: Record<string, string>; query?: Record<string, string> };
  body?: unknown;
}
interface LooseClient {
  GET(path: string, init: LooseInit): Promise<FetchResult>;
  POST(path: string, init: LooseInit): Promise<FetchResult>;
  DELETE(path: string, init: LooseInit): Promise<FetchResult>;
}

/**
 * Creates a v0.0.40+ adapter from the version's typed client and its body builder.
 * `buildBody` declares the body with the version's request type, so tsc checks
 * that `CurrentJobDescription` fits that version's schema.
 */
export function createCurrentAdapter<Version extends string, Paths extends Record<CurrentEndpoints<Version>, unknown>>(
  apiVersion: Version,
  client: Client<Paths>,
  options: AdapterOptions,
  buildBody: (job: JobDescription) => SubmitBody<Paths, Version>,
): VersionAdapter {
  const loose = client as unknown as LooseClient;
  const base = `/slurm/${apiVersion}`;
  const jobPath = (jobId: number) => ({ path: { job_id: String(jobId) } });

  return {
    apiVersion,
    // NOTE: on the 24.11.5 and 26.05.5 test clusters, a cancel by a user who does not own the
    // job left slurmctld deadlocked: every later job request timed out until it was restarted.
    // The cause inside Slurm is not known, so gha-slurm never sends such a cancel.
    cancelChecksOwner: true,
    ping: (call) => loose.GET(`${base}/ping/`, { ...call }),
    submit: (call, job) => {
      const body = buildBody(job) as { job: Record<string, unknown> };
      const withExtra = options.extraJobFields ? { ...body, job: { ...body.job, ...options.extraJobFields } } : body;
      return loose.POST(`${base}/job/submit`, { ...call, body: withExtra });
    },
    getJob: (call, jobId) => loose.GET(`${base}/job/{job_id}`, { ...call, params: jobPath(jobId) }),
    listJobs: (call, since) =>
      loose.GET(`${base}/jobs/`, {
        ...call,
        params: { query: since === undefined ? {} : { update_time: relativeUpdateTime(since) } },
      }),
    cancel: (call, jobId, signal) =>
      loose.DELETE(`${base}/job/{job_id}`, {
        ...call,
        params: { ...jobPath(jobId), query: signal === undefined ? {} : { signal } },
      }),
    listPartitions: (call) => loose.GET(`${base}/partitions/`, { ...call }),
  };
}
