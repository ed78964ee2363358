import type { ClusterConfig } from '../../config/types.js';
import { openSecretFile } from './secret-file.js';
import { createHs256Signer, createRs256Signer, type TokenSigner } from './signers.js';
import { createStaticTokenReader } from './static-token.js';
import { assertUserAllowed, type AllowedUsers } from './user-policy.js';

/** Produces the `X-SLURM-USER-TOKEN` for a cluster user. */
export interface TokenProvider {
  /**
   * Returns a token for `user` with at least `minimumRemainingSeconds` left.
   * Raises `SlurmTokenError` before anything is signed or read when the user is
   * root, the SlurmUser or not mapped, and when the key or token file is unusable.
   */
  tokenFor(user: string): Promise<string>;
}

export interface TokenProviderOptions {
  cluster: ClusterConfig;
  allowedUsers: AllowedUsers;
  /** Clock in milliseconds; `Date.now` by default. */
  now?: () => number;
}

/** slurmctld checks `exp` without leeway, so a token is never handed out with less time left than this. */
export const minimumRemainingSeconds = 30;

/** A cached token is replaced once this share of its lifetime has passed. */
export const renewAfterLifetimeShare = 0.8;

/** Creates the token provider for the cluster's `auth` setting. */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const { cluster, allowedUsers } = options;
  const now = () => Math.floor((options.now ?? Date.now)() / 1000);
  const policy = { cluster: cluster.name, slurmUser: cluster.slurmUser, allowedUsers };
  const auth = cluster.auth;

  if (auth.type === 'static') {
    const readToken = createStaticTokenReader(
      openSecretFile(auth.tokenFile, cluster.name, 'token file'),
      cluster.name,
      minimumRemainingSeconds,
    );
    return {
      tokenFor: async (user) => {
        assertUserAllowed(user, policy);
        return readToken(user, now());
      },
    };
  }

  if (cluster.tokenLifetimeSeconds < 2 * minimumRemainingSeconds) {
    throw new RangeError(
      `tokenLifetimeSeconds of cluster ${cluster.name} is ${cluster.tokenLifetimeSeconds}; ` +
        `set it to at least ${2 * minimumRemainingSeconds} seconds.`,
    );
  }
  const signer =
    auth.type === 'hs256'
      ? createHs256Signer(openSecretFile(auth.keyFile, cluster.name, 'HS256 key file'))
      : createRs256Signer(
          openSecretFile(auth.privateKeyFile, cluster.name, 'RS256 key file'),
          auth.keyId,
          cluster.name,
        );
  return createCachingProvider(signer, cluster.tokenLifetimeSeconds, (user) => assertUserAllowed(user, policy), now);
}

interface CachedToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
  generation: number;
}

function createCachingProvider(
  signer: TokenSigner,
  lifetimeSeconds: number,
  checkUser: (user: string) => void,
  now: () => number,
): TokenProvider {
  const cache = new Map<string, CachedToken>();
  const renewAfterSeconds = Math.floor(lifetimeSeconds * renewAfterLifetimeShare);

  return {
    async tokenFor(user) {
      checkUser(user);
      const generation = await signer.generation();
      const at = now();

      const cached = cache.get(user);
      const fresh =
        cached !== undefined &&
        cached.generation === generation &&
        at >= cached.issuedAt &&
        at - cached.issuedAt < renewAfterSeconds &&
        cached.expiresAt - at >= minimumRemainingSeconds;
      if (fresh) return cached.token;

      const expiresAt = at + lifetimeSeconds;
      const token = await signer.sign(user, at, expiresAt);
      cache.set(user, { token, issuedAt: at, expiresAt, generation });
      return token;
    },
  };
}
