import type { Dispatcher } from 'undici';

import type { ClusterConfig } from '../config/types.js';
import { silentLogger, type Logger } from '../log.js';
import { createAdapter, supportedApiVersions, type VersionAdapter } from './adapters/index.js';
import { createTokenProvider, type AllowedUsers } from './auth/index.js';
import { createCallRunner, type CallRunner, type SlurmRequestEvent, type SlurmWarningEvent } from './call.js';
import { createHttpTransport, type SlurmFetch } from './http.js';
import { createOperations } from './operations.js';
import type { SlurmClient, SlurmVersionInfo } from './types.js';
import { chooseApiVersion, readRelease, servedApiVersions } from './version.js';

export interface SlurmClientOptions {
  cluster: ClusterConfig;
  /** The cluster users that the access rules map repositories to; tokens are signed for no one else. */
  allowedUsers: AllowedUsers;
  logger?: Logger;
  /** Replaces undici's fetch, for tests. */
  fetch?: SlurmFetch;
  /** Replaces the keep-alive agent that the client creates and closes itself. */
  dispatcher?: Dispatcher;
  /** Called after each HTTP request to slurmrestd, for metrics. */
  onRequest?: (event: SlurmRequestEvent) => void;
  /** Called for each entry of a reply's `warnings[]`; the client also logs them. */
  onWarning?: (event: SlurmWarningEvent) => void;
  /** Clock for token times, in milliseconds; `Date.now` by default. */
  now?: () => number;
}

/** Options that only tests use; not part of the public API. */
export interface InternalClientOptions {
  /** Fields merged into the `job` object of every submit body, to provoke unknown-field warnings. */
  extraJobFields?: Record<string, unknown>;
}

/**
 * Creates the client of one cluster. Nothing is sent until the first call, which
 * also discovers the API version as that call's user.
 */
export function createSlurmClient(options: SlurmClientOptions, internal: InternalClientOptions = {}): SlurmClient {
  const { cluster } = options;
  if (cluster.apiVersion !== 'auto' && !supportedApiVersions.includes(cluster.apiVersion)) {
    throw new RangeError(
      `apiVersion ${cluster.apiVersion} of cluster ${cluster.name} is not supported; ` +
        `use "auto" or one of ${supportedApiVersions.join(', ')}.`,
    );
  }

  const logger = (options.logger ?? silentLogger()).child({ area: 'slurm', cluster: cluster.name });
  const transport = createHttpTransport({ fetch: options.fetch, dispatcher: options.dispatcher });
  const tokens = createTokenProvider({ cluster, allowedUsers: options.allowedUsers, now: options.now });
  const run = createCallRunner({ cluster, tokens, transport, logger, onRequest: options.onRequest, onWarning: options.onWarning });
  const adapterOptions = { baseUrl: cluster.url, Request: transport.Request, extraJobFields: internal.extraJobFields };

  let discovery: Promise<{ info: SlurmVersionInfo; adapter: VersionAdapter }> | undefined;
  let lastUser: string | undefined;

  const discover = (user: string) => {
    discovery ??= discoverVersion(run, cluster, user, transport.Request, (version) =>
      createAdapter(version, adapterOptions),
    ).then(
      (found) => {
        logger.info({ ...found.info, user }, 'slurmrestd version discovered');
        return found;
      },
      (error: unknown) => {
        // Forget the failure, so that the next call tries again.
        discovery = undefined;
        throw error;
      },
    );
    return discovery;
  };

  const adapterFor = async (user: string): Promise<VersionAdapter> => {
    lastUser = user;
    return (await discover(user)).adapter;
  };

  return {
    cluster: cluster.name,
    async version(user?: string) {
      const asUser = user ?? lastUser ?? firstAllowedUser(options.allowedUsers);
      if (asUser === undefined && discovery === undefined) {
        throw new TypeError(
          `The version of cluster ${cluster.name} is not known yet; pass the user to discover it as, ` +
            'because slurmrestd needs a token for that request.',
        );
      }
      return (await discover(asUser as string)).info;
    },
    ...createOperations({ cluster: cluster.name, run, adapterFor, logger }),
    close: () => transport.close(),
  };
}

async function discoverVersion(
  run: CallRunner,
  cluster: ClusterConfig,
  user: string,
  RequestClass: typeof Request,
  adapterFor: (version: string) => VersionAdapter,
): Promise<{ info: SlurmVersionInfo; adapter: VersionAdapter }> {
  const base = cluster.url.replace(/\/+$/, '');
  const spec = await run('version', user, async (call) => {
    const request = new RequestClass(`${base}/openapi/v3`, { headers: call.headers, signal: call.signal });
    const response = await call.fetch(request);
    const body = parseJson(await response.text());
    return { data: body, error: body, response };
  });

  const servedApiVersionList = servedApiVersions(spec.body);
  const apiVersion = chooseApiVersion(cluster.apiVersion, servedApiVersionList, supportedApiVersions, {
    cluster: cluster.name,
    url: `${base}/openapi/v3`,
  });
  const adapter = adapterFor(apiVersion);
  const ping = await run('version', user, (call) => adapter.ping(call));
  const info = { release: readRelease(ping.body) ?? 'unknown', apiVersion, servedApiVersions: servedApiVersionList };
  return { info, adapter };
}

// slurmrestd requires a token even for `GET /openapi/v3`, so discovery without a
// caller uses the first mapped user in name order.
function firstAllowedUser(allowedUsers: AllowedUsers): string | undefined {
  return typeof allowedUsers === 'function' ? undefined : [...allowedUsers].sort()[0];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
