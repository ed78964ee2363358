import type { ClusterConfig } from '../config/types.js';
import { SlurmApiError, SlurmTokenError } from '../slurm/errors.js';

import { CheckTimeoutError } from './timeout.js';

/** Builds the fix for a failed call to a cluster from the kind of failure. */
export function slurmFix(cluster: ClusterConfig, index: number, error: unknown, user?: string): string {
  const at = `clusters[${index}]`;
  if (error instanceof CheckTimeoutError) {
    return `slurmrestd at ${cluster.url} did not reply in time: check that slurmctld answers (scontrol ping on a login node)`;
  }
  if (error instanceof SlurmTokenError) return tokenFix(at, error);
  if (!(error instanceof SlurmApiError)) return `check ${at}.url (${cluster.url}) and the service log`;

  // slurmrestd 23.11 and later reply to a rejected token with 401 or 511, sometimes without error text.
  const failure = error.status === 401 || error.status === 511 ? 'auth' : error.failure;

  switch (failure) {
    case 'unreachable':
      return `check ${at}.url (${cluster.url}) and that slurmrestd listens there and is reachable from this host`;
    case 'timeout':
      return `slurmrestd or slurmctld is slow: check them, or raise ${at}.requestTimeoutMs (now ${cluster.requestTimeoutMs} ms)`;
    case 'auth':
      return (
        `slurmrestd rejected the token${user ? ` for user ${user}` : ''}: check that ${at}.auth matches ` +
        "AuthAltParameters in the cluster's slurm.conf (the same jwt_key file, or a key in its jwks), and that the user exists on the cluster"
      );
    case 'unsupported-version':
      return `the daemon serves no API version that gha-slurm supports: upgrade Slurm, or set ${at}.apiVersion to "auto"`;
    case 'invalid-reply':
      return `the reply at ${cluster.url} is not slurmrestd's JSON: check ${at}.url (without /slurm/vX) and any proxy in between`;
    case 'rejected':
      return user
        ? `slurmctld rejected the request as ${user}: check that ${user} exists on the cluster (getent passwd ${user} on the slurmctld host)`
        : 'slurmctld rejected the request: read its errors above and the slurmctld log';
  }
}

function tokenFix(at: string, error: SlurmTokenError): string {
  switch (error.failure) {
    case 'user-rejected':
      return `${error.user ?? 'the user'} may not be signed for (root, the SlurmUser or not mapped): map another user in access[].clusterUser`;
    case 'key-file':
      return `fix ${at}.auth: the file ${error.file ?? ''} must exist, be readable by gha-slurm only (mode 0600) and contain the key`;
    case 'static-token':
      return `replace the token in ${at}.auth.tokenFile with a current one for this user (scontrol token username=USER)`;
  }
}
