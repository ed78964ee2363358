/**
 * Errors of the Slurm client. `SlurmApiError` covers every failed call to slurmrestd.
 * `SlurmTokenError` covers a token that gha-slurm will not or cannot produce, and is
 * raised before any request is sent.
 */

/** One entry of slurmrestd's `errors[]` or `warnings[]`. */
export interface SlurmReplyError {
  /** Slurm's error number (`error_number` or `errno`), for example 2017 for an invalid job id. */
  errorNumber?: number;
  /** Slurm's text for the number, for example `Invalid job id specified`. */
  error?: string;
  /** slurmrestd's own explanation, when it gives one. */
  description?: string;
  /** The function or field that raised it. */
  source?: string;
}

/**
 * Why a call failed:
 * - `rejected`: slurmrestd or slurmctld returned an error for the request;
 * - `auth`: the token was rejected;
 * - `unreachable`: no connection, or the connection broke;
 * - `timeout`: no complete reply within the request timeout;
 * - `invalid-reply`: the reply could not be read as the API version's JSON;
 * - `unsupported-version`: the daemon does not serve a version gha-slurm can use.
 */
export type SlurmFailure = 'rejected' | 'auth' | 'unreachable' | 'timeout' | 'invalid-reply' | 'unsupported-version';

export interface SlurmApiErrorDetails {
  failure: SlurmFailure;
  cluster: string;
  /** The client operation, for example `submit` or `cancel`. */
  operation: string;
  /** The cluster user the call was made as. */
  user?: string;
  /** The request URL, without query. */
  url?: string;
  /** HTTP status of the reply, when there was one. */
  status?: number;
  errors?: SlurmReplyError[];
  warnings?: SlurmReplyError[];
  cause?: unknown;
}

/**
 * SLURM_COMMUNICATIONS_{CONNECTION,SEND,RECEIVE,SHUTDOWN}_ERROR and
 * SLURM_PROTOCOL_SOCKET_IMPL_TIMEOUT from slurm_errno.h.
 */
export const communicationErrorNumbers: ReadonlySet<number> = new Set([1001, 1002, 1003, 1004, 5004]);

/** A call to slurmrestd that failed, with everything slurmrestd returned about why. */
export class SlurmApiError extends Error {
  override readonly name = 'SlurmApiError';
  readonly failure: SlurmFailure;
  readonly cluster: string;
  readonly operation: string;
  readonly user: string | undefined;
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly errors: SlurmReplyError[];
  readonly warnings: SlurmReplyError[];

  constructor(message: string, details: SlurmApiErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.failure = details.failure;
    this.cluster = details.cluster;
    this.operation = details.operation;
    this.user = details.user;
    this.url = details.url;
    this.status = details.status;
    this.errors = details.errors ?? [];
    this.warnings = details.warnings ?? [];
  }

  /** The first Slurm error number in the reply, if any. */
  get errorNumber(): number | undefined {
    return this.errors.find((entry) => entry.errorNumber !== undefined)?.errorNumber;
  }

  /** Whether the same request may succeed later without any change (network trouble, timeout, 5xx). */
  get transient(): boolean {
    if (this.failure === 'unreachable' || this.failure === 'timeout') return true;
    if (this.failure !== 'rejected') return false;
    // From v0.0.40, 502 and 504 mean that slurmrestd could not reach slurmctld; 503 comes from proxies.
    if (this.status === 502 || this.status === 503 || this.status === 504) return true;
    return this.errors.some((entry) => entry.errorNumber !== undefined && communicationErrorNumbers.has(entry.errorNumber));
  }
}

/**
 * Why no token could be produced:
 * - `user-rejected`: the user is root, the SlurmUser, not mapped by the configuration, or not a valid name;
 * - `key-file`: the key or token file is missing, unreadable, empty, invalid or too open;
 * - `static-token`: the site's token file is for another user or has expired.
 */
export type SlurmTokenFailure = 'user-rejected' | 'key-file' | 'static-token';

/** A token that gha-slurm will not or cannot produce; raised before any request is sent. */
export class SlurmTokenError extends Error {
  override readonly name = 'SlurmTokenError';
  readonly failure: SlurmTokenFailure;
  readonly cluster: string;
  readonly user: string | undefined;
  readonly file: string | undefined;

  constructor(
    message: string,
    details: { failure: SlurmTokenFailure; cluster: string; user?: string; file?: string; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.failure = details.failure;
    this.cluster = details.cluster;
    this.user = details.user;
    this.file = details.file;
  }
}
