import type { SlurmFetch } from '../http.js';
import type { FetchResult } from '../reply.js';
import type { JobDescription } from '../types.js';

/** The request options of one call, spread into openapi-fetch's options of each request. */
export interface AdapterCall {
  /** `X-SLURM-USER-NAME` and `X-SLURM-USER-TOKEN`. */
  headers: Record<string, string>;
  /** Aborts the request, and the reading of its reply, at the request timeout. */
  signal: AbortSignal;
  fetch: SlurmFetch;
}

/** The settings from which an adapter builds its openapi-fetch client. */
export interface AdapterOptions {
  /** slurmrestd base URL, without the `/slurm/vX` part. */
  baseUrl: string;
  Request: typeof Request;
  /** Extra fields merged into the `job` object of submit bodies, to test unknown-field warnings. */
  extraJobFields?: Record<string, unknown>;
}

/**
 * The requests of one API version. Each method builds the version's URL, query
 * and body, typed against that version's generated schema, and returns the raw
 * openapi-fetch result. `checkReply` and the normalisers read the replies of every
 * version, because their shapes differ only in ways the readers handle.
 */
export interface VersionAdapter {
  readonly apiVersion: string;
  /** Whether `cancel` must first check that the caller owns the job (see the v0.0.40+ adapter). */
  readonly cancelChecksOwner: boolean;
  ping(call: AdapterCall): Promise<FetchResult>;
  submit(call: AdapterCall, job: JobDescription): Promise<FetchResult>;
  getJob(call: AdapterCall, jobId: number): Promise<FetchResult>;
  /** Lists jobs, only those changed since `since` when given. */
  listJobs(call: AdapterCall, since?: Date): Promise<FetchResult>;
  /** Sends `signal` (a name without `SIG`, such as `TERM`), or cancels the job when undefined. */
  cancel(call: AdapterCall, jobId: number, signal?: string): Promise<FetchResult>;
  listPartitions(call: AdapterCall): Promise<FetchResult>;
}

/** Converts a Date to the Unix seconds that `update_time` takes. */
export function toUnixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
