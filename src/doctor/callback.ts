import type { Config } from '../config/types.js';

import { messageOf, withTimeout } from './timeout.js';
import type { CheckResult, DoctorDependencies } from './types.js';

/**
 * Checks that `GET /healthz` on the origin of `runner.callbackUrl` returns 200, which
 * shows that the URL reaches a running gha-slurm from this host. Compute nodes may
 * see another network, so an OK here does not prove that they reach it.
 */
export async function checkCallback(config: Config, dependencies: DoctorDependencies, timeoutMs: number): Promise<CheckResult> {
  const name = 'callback URL';
  let url: URL;
  try {
    url = new URL('/healthz', config.runner.callbackUrl);
  } catch {
    return { name, status: 'FAIL', detail: `runner.callbackUrl "${config.runner.callbackUrl}" is not a URL`, fix: 'set runner.callbackUrl to http(s)://HOST:PORT' };
  }

  const fix =
    `start gha-slurm, then check that ${url.origin} (runner.callbackUrl) reaches its internal listener ` +
    '(server.internal, or server.webhook without it) from this host and from the compute nodes';
  try {
    const status = await withTimeout(getStatus(dependencies.fetch, url, timeoutMs), timeoutMs);
    if (status !== 200) {
      return { name, status: 'FAIL', detail: `GET ${url.href} returned ${status}`, fix };
    }
    return { name, status: 'OK', detail: `GET ${url.href} returned 200` };
  } catch (error) {
    return { name, status: 'FAIL', detail: `GET ${url.href} failed: ${messageOf(error)}`, fix };
  }
}

async function getStatus(fetchUrl: typeof fetch, url: URL, timeoutMs: number): Promise<number> {
  const response = await fetchUrl(url, { signal: AbortSignal.timeout(timeoutMs) });
  // The body is read to the end so that the connection is released.
  await response.arrayBuffer();
  return response.status;
}
