import { decodeJwt } from 'jose';

import { SlurmTokenError } from '../errors.js';
import type { SecretFile } from './secret-file.js';

/** Claims read from a site-issued token without its key. */
interface StaticTokenClaims {
  token: string;
  /** The `sun` claim, when the token is a readable JWT that has one. */
  user?: string;
  /** The `exp` claim in seconds, when present. */
  expiresAt?: number;
}

/**
 * Creates a reader of a token file that the site issued (for example with
 * `scontrol token`). The file is re-read when it changes, so the site can
 * replace the token without restarting gha-slurm.
 */
export function createStaticTokenReader(
  tokenFile: SecretFile,
  cluster: string,
  minimumRemainingSeconds: number,
): (user: string, now: number) => Promise<string> {
  let current: { generation: number; claims: StaticTokenClaims } | undefined;

  return async (user, now) => {
    const { content, generation } = await tokenFile.read();
    if (current?.generation !== generation) current = { generation, claims: readClaims(content) };
    const { token, user: tokenUser, expiresAt } = current.claims;

    if (tokenUser !== undefined && tokenUser !== user) {
      throw new SlurmTokenError(
        `The token file ${tokenFile.path} of cluster ${cluster} contains a token for user "${tokenUser}", ` +
          `not "${user}"; map the repositories of this cluster to "${tokenUser}" or switch to hs256 or rs256 signing.`,
        { failure: 'static-token', cluster, user, file: tokenFile.path },
      );
    }
    if (expiresAt !== undefined && expiresAt - now < minimumRemainingSeconds) {
      const when = new Date(expiresAt * 1000).toISOString();
      throw new SlurmTokenError(
        `The token in ${tokenFile.path} of cluster ${cluster} expires at ${when}; write a new token to the file.`,
        { failure: 'static-token', cluster, user, file: tokenFile.path },
      );
    }
    return token;
  };
}

function readClaims(content: Buffer): StaticTokenClaims {
  let token = content.toString('utf8').trim();
  // `scontrol token` prints `SLURM_JWT=<token>`; accept the file as the site saved it.
  if (token.startsWith('SLURM_JWT=')) token = token.slice('SLURM_JWT='.length);

  try {
    const claims = decodeJwt(token);
    return {
      token,
      user: typeof claims.sun === 'string' ? claims.sun : undefined,
      expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
    };
  } catch {
    // An opaque token cannot be checked here; slurmrestd judges it.
    return { token };
  }
}
