import type { ClusterAuth } from '../config/types.js';
import { communicationErrorNumbers, SlurmApiError, type SlurmReplyError } from './errors.js';
import { readNumber, readText } from './normalise.js';

/** The call details that error messages name. */
export interface CallContext {
  cluster: string;
  operation: string;
  user: string;
  /** The request URL without its query. */
  url: string;
  auth: ClusterAuth;
}

/** The result of one openapi-fetch request. */
export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** A successful reply: its JSON body (undefined when empty) and slurmrestd's warnings. */
export interface CheckedReply {
  status: number;
  /** The request URL. */
  url: string;
  body: Record<string, unknown> | undefined;
  warnings: SlurmReplyError[];
}

// Slurm error numbers from slurm_errno.h.
/** ESLURM_INVALID_JOB_ID: slurmctld has no record of the job. */
export const invalidJobIdError = 2017;
/** ESLURM_ALREADY_DONE: the job has already ended. */
export const alreadyDoneError = 2021;
const protocolAuthenticationError = 1007;
// Slurm 22.05 reports a token that slurmctld rejected only as one of these: -1
// "Unspecified error", or 5005 "Zero Bytes were transmitted or received" on submit.
const likelyTokenErrors22 = new Set([-1, 5005]);

/** Reads the `errors[]` or `warnings[]` entries of a reply, in any version's field names. */
export function readReplyEntries(value: unknown): SlurmReplyError[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null)
    .map((entry) => ({
      errorNumber: readNumber(entry.error_number ?? entry.error_code ?? entry.errno),
      error: readText(entry.error),
      description: readText(entry.description),
      source: readText(entry.source),
    }));
}

/** Formats entries as `description (error, Slurm error N)`, joined by "; ". */
export function describeEntries(entries: SlurmReplyError[]): string {
  return entries
    .map((entry) => {
      const text = entry.description ?? entry.error ?? 'no description';
      const details = [entry.description && entry.error !== entry.description ? entry.error : undefined];
      if (entry.errorNumber !== undefined) details.push(`Slurm error ${entry.errorNumber}`);
      const present = details.filter((detail) => detail !== undefined);
      return present.length > 0 ? `${text} (${present.join(', ')})` : text;
    })
    .join('; ');
}

/**
 * Returns the body and warnings of a successful reply. Raises `SlurmApiError`
 * for an HTTP error status, for a non-empty `errors[]` (even with status 200)
 * and for a body that is not a JSON object. A 304 reply, which v0.0.38 sends
 * for an unchanged job list, counts as success with no body.
 */
export function checkReply(result: FetchResult, context: CallContext): CheckedReply {
  const status = result.response.status;
  const raw = result.response.ok ? result.data : result.error;
  const body = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  const errors = readReplyEntries(body?.errors);
  const warnings = readReplyEntries(body?.warnings);

  const url = context.url;
  if (status === 304) return { status, url, body: undefined, warnings: [] };
  if (result.response.ok && errors.length > 0 && acceptedDespiteErrors(context, body)) {
    // Slurm 22.05 answers 200 with a job_id and an `errors[]` entry when it queues a job that cannot start
    // yet, for example error 2015 for a time limit over the partition's. The job exists, so it is a success.
    return { status, url, body, warnings: [...warnings, ...errors] };
  }
  if (result.response.ok && errors.length === 0) {
    if (raw !== undefined && body === undefined) {
      throw new SlurmApiError(
        `slurmrestd of cluster ${context.cluster} returned a reply to ${context.operation} that is not a JSON object ` +
          `(${context.url}); check that the URL points at slurmrestd.`,
        { failure: 'invalid-reply', ...details(context, status, errors, warnings) },
      );
    }
    return { status, url, body, warnings };
  }

  if (errors.length === 0 && typeof raw === 'string' && raw.trim() !== '') {
    // slurmrestd answers plain text before it parses a request, for example "Authentication failure".
    errors.push({ description: raw.trim() });
  }
  throw replyError(context, status, errors, warnings);
}

function acceptedDespiteErrors(context: CallContext, body: Record<string, unknown> | undefined): boolean {
  if (context.operation !== 'submit' || body === undefined) return false;
  const jobId = body.job_id;
  return (typeof jobId === 'number' && jobId > 0) || (typeof jobId === 'string' && /^[1-9][0-9]*$/.test(jobId));
}

function details(context: CallContext, status: number, errors: SlurmReplyError[], warnings: SlurmReplyError[]) {
  return { cluster: context.cluster, operation: context.operation, user: context.user, url: context.url, status, errors, warnings };
}

function replyError(
  context: CallContext,
  status: number,
  errors: SlurmReplyError[],
  warnings: SlurmReplyError[],
): SlurmApiError {
  const slurmText = errors.length > 0 ? describeEntries(errors) : 'no error text in the reply';
  const where = `${context.operation} on cluster ${context.cluster} as ${context.user}`;

  const rejection = tokenRejection(status, errors);
  if (rejection !== undefined) {
    const verdict = rejection === 'certain' ? 'rejected the token' : 'most likely rejected the token';
    return new SlurmApiError(
      `Slurm ${verdict} for ${where} (HTTP ${status}: ${slurmText}). ${tokenHint(context)}`,
      { failure: 'auth', ...details(context, status, errors, warnings) },
    );
  }
  if (controllerUnreachable(status, errors)) {
    return new SlurmApiError(
      `slurmrestd could not reach slurmctld for ${where} (HTTP ${status}: ${slurmText}); ` +
        'check that slurmctld is running and reachable from the slurmrestd host, then retry.',
      { failure: 'rejected', ...details(context, status, errors, warnings) },
    );
  }
  return new SlurmApiError(`Slurm rejected ${where} (HTTP ${status}): ${slurmText}.`, {
    failure: 'rejected',
    ...details(context, status, errors, warnings),
  });
}

function tokenRejection(status: number, errors: SlurmReplyError[]): 'certain' | 'likely' | undefined {
  if (status === 401) return 'certain';
  const certain = errors.some((entry) => {
    const text = `${entry.error ?? ''} ${entry.description ?? ''}`;
    return /authentication (failure|error)/i.test(text) || entry.errorNumber === protocolAuthenticationError;
  });
  if (certain) return 'certain';
  const likely = errors.some((entry) => entry.errorNumber !== undefined && likelyTokenErrors22.has(entry.errorNumber));
  return status === 500 && likely ? 'likely' : undefined;
}

function controllerUnreachable(status: number, errors: SlurmReplyError[]): boolean {
  if (status === 502 || status === 504) return true;
  return errors.some((entry) => entry.errorNumber !== undefined && communicationErrorNumbers.has(entry.errorNumber));
}

function tokenHint(context: CallContext): string {
  const exists = `that user ${context.user} exists on the cluster's nodes`;
  switch (context.auth.type) {
    case 'hs256':
      return `Check that ${context.auth.keyFile} is the cluster's jwt_key file, that this host's clock is right, and ${exists}.`;
    case 'rs256':
      return `Check that the cluster's JWKS has the public key with kid "${context.auth.keyId}", that this host's clock is right, and ${exists}.`;
    case 'static':
      return `Check that the token in ${context.auth.tokenFile} is valid and not expired, and ${exists}.`;
  }
}
