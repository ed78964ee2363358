import { Agent, fetch as undiciFetch, Request as UndiciRequest, type Dispatcher } from 'undici';

import { SlurmApiError } from './errors.js';

/** The fetch signature that openapi-fetch calls. */
export type SlurmFetch = (request: Request) => Promise<Response>;

/** Reports one HTTP exchange: its URL, status (undefined when no response arrived) and duration. */
export type ExchangeReporter = (url: string, status: number | undefined, durationSeconds: number) => void;

export interface HttpTransportOptions {
  /** Replaces undici's fetch, for tests. */
  fetch?: SlurmFetch;
  /** Replaces the keep-alive agent that the transport creates and closes itself. */
  dispatcher?: Dispatcher;
}

/** HTTP plumbing shared by every request to one slurmrestd. */
export interface HttpTransport {
  /** The Request class that matches the fetch in use; openapi-fetch builds requests with it. */
  readonly Request: typeof Request;
  /** Returns a fetch that reports the exchange to `report`, for one call. */
  fetchFor(report: ExchangeReporter): SlurmFetch;
  /** Closes the keep-alive connections, if the transport created them. */
  close(): Promise<void>;
}

/**
 * Creates the transport: undici's fetch over one keep-alive `Agent` per cluster,
 * so that polling slurmrestd reuses its connections.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const ownAgent = options.fetch || options.dispatcher ? undefined : new Agent({ keepAliveTimeout: 30_000 });
  const dispatcher = options.dispatcher ?? ownAgent;
  const send: SlurmFetch =
    options.fetch ??
    ((request) => undiciFetch(request as unknown as UndiciRequest, { dispatcher }) as unknown as Promise<Response>);

  return {
    // openapi-fetch must build undici's own Request: undici's fetch does not accept Node's built-in one.
    Request: (options.fetch ? globalThis.Request : UndiciRequest) as unknown as typeof Request,
    fetchFor(report) {
      return async (request) => {
        const started = performance.now();
        try {
          const response = await send(request);
          report(request.url, response.status, (performance.now() - started) / 1000);
          return response;
        } catch (error) {
          report(request.url, undefined, (performance.now() - started) / 1000);
          throw error;
        }
      };
    },
    async close() {
      await ownAgent?.close();
    },
  };
}

/** The call details that a transport error message names. */
export interface TransportErrorContext {
  cluster: string;
  operation: string;
  user?: string;
  url: string;
  timeoutMs: number;
}

/**
 * Converts an error thrown while sending a request or reading its reply into a
 * `SlurmApiError` that names the URL: `timeout` when the request timeout fired,
 * `invalid-reply` when the reply was not JSON, `unreachable` for everything else.
 */
export function transportError(error: unknown, context: TransportErrorContext): SlurmApiError {
  const details = { cluster: context.cluster, operation: context.operation, user: context.user, url: context.url, cause: error };
  if (isTimeout(error)) {
    return new SlurmApiError(
      `slurmrestd of cluster ${context.cluster} did not reply to ${context.operation} at ${context.url} within ` +
        `${context.timeoutMs} ms; check that slurmctld responds, or raise requestTimeoutMs.`,
      { failure: 'timeout', ...details },
    );
  }
  if (error instanceof SyntaxError) {
    return new SlurmApiError(
      `slurmrestd of cluster ${context.cluster} returned a reply to ${context.operation} at ${context.url} ` +
        `that is not JSON (${error.message}); check that the URL points at slurmrestd and not at a proxy page.`,
      { failure: 'invalid-reply', ...details },
    );
  }
  return new SlurmApiError(
    `Cannot reach slurmrestd of cluster ${context.cluster} at ${context.url} (${rootCause(error)}); ` +
      "check the cluster's url and that slurmrestd is running.",
    { failure: 'unreachable', ...details },
  );
}

function isTimeout(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current.name === 'TimeoutError') return true;
  }
  return false;
}

function rootCause(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  if (!(current instanceof Error)) return String(current);
  const code = (current as NodeJS.ErrnoException).code;
  return code && !current.message.includes(code) ? `${code}: ${current.message}` : current.message;
}
