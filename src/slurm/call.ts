import type { ClusterConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { AdapterCall } from './adapters/index.js';
import type { TokenProvider } from './auth/index.js';
import { SlurmApiError, SlurmTokenError, type SlurmReplyError } from './errors.js';
import { transportError, type HttpTransport } from './http.js';
import { checkReply, type CheckedReply, type FetchResult } from './reply.js';
import type { SlurmWarning } from './types.js';

/** The report of one HTTP request to slurmrestd, for metrics. */
export interface SlurmRequestEvent {
  cluster: string;
  /** The client operation, for example `submit` or `getJob`. */
  operation: string;
  /** HTTP status; undefined when no response arrived. */
  status?: number;
  durationSeconds: number;
}

/** A warning from slurmrestd, with the call it came with. */
export interface SlurmWarningEvent {
  cluster: string;
  operation: string;
  user: string;
  warning: SlurmWarning;
}

export interface CallRunnerOptions {
  cluster: ClusterConfig;
  tokens: TokenProvider;
  transport: HttpTransport;
  logger: Logger;
  onRequest?: (event: SlurmRequestEvent) => void;
  onWarning?: (event: SlurmWarningEvent) => void;
}

/** A checked reply whose warnings are converted to `SlurmWarning`. */
export interface CallReply extends Omit<CheckedReply, 'warnings'> {
  warnings: SlurmWarning[];
}

/**
 * Runs one client operation as `user`. It gets the user's token first, so a
 * `SlurmTokenError` comes before any request. It sends the requests that `send`
 * makes with the user headers and the request timeout, and converts network errors
 * and timeouts into `SlurmApiError`. Then it checks the reply and logs and reports its warnings.
 */
export type CallRunner = (
  operation: string,
  user: string,
  send: (call: AdapterCall) => Promise<FetchResult>,
  options?: CallOptions,
) => Promise<CallReply>;

export interface CallOptions {
  /** Marks warnings that are a normal reply; they are logged at debug level only and not reported. */
  isExpectedWarning?: (warning: SlurmWarning) => boolean;
}

/** Creates the call pipeline shared by every operation of one cluster's client. */
export function createCallRunner(options: CallRunnerOptions): CallRunner {
  const { cluster, tokens, transport, logger } = options;

  return async (operation, user, send, callOptions = {}) => {
    const token = await tokens.tokenFor(user);
    let url = cluster.url;
    const call: AdapterCall = {
      headers: { 'X-SLURM-USER-NAME': user, 'X-SLURM-USER-TOKEN': token, Accept: 'application/json' },
      signal: AbortSignal.timeout(cluster.requestTimeoutMs),
      fetch: transport.fetchFor((requestUrl, status, durationSeconds) => {
        url = requestUrl;
        logger.debug({ operation, user, url: requestUrl, status, durationSeconds }, 'slurmrestd request finished');
        options.onRequest?.({ cluster: cluster.name, operation, status, durationSeconds });
      }),
    };

    let result: FetchResult;
    try {
      result = await send(call);
    } catch (error) {
      if (error instanceof SlurmApiError || error instanceof SlurmTokenError) throw error;
      throw transportError(error, { cluster: cluster.name, operation, user, url, timeoutMs: cluster.requestTimeoutMs });
    }

    const reply = checkReply(result, { cluster: cluster.name, operation, user, url: result.response.url || url, auth: cluster.auth });
    const warnings = reply.warnings.map(toWarning);
    for (const warning of warnings) {
      const fields = { operation, user, warning: warning.description, source: warning.source };
      if (callOptions.isExpectedWarning?.(warning)) {
        logger.debug(fields, 'slurmrestd returned an expected warning');
        continue;
      }
      logger.warn(fields, 'slurmrestd returned a warning');
      options.onWarning?.({ cluster: cluster.name, operation, user, warning });
    }
    return { ...reply, warnings };
  };
}

function toWarning(entry: SlurmReplyError): SlurmWarning {
  const description = entry.description ?? entry.error ?? 'warning without text';
  return entry.source === undefined ? { description } : { source: entry.source, description };
}
