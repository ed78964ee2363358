import { SlurmTokenError } from '../errors.js';

/** The cluster users that the configuration maps repositories to: a predicate or a set of names. */
export type AllowedUsers = ((user: string) => boolean) | ReadonlySet<string>;

export interface UserPolicy {
  cluster: string;
  /** The cluster's SlurmUser, whose token would let its holder act as anyone. */
  slurmUser: string;
  allowedUsers: AllowedUsers;
}

// POSIX portable user names (letters, digits, `.`, `_`, `-`, not starting with `-`), at most
// 64 characters. Anything else cannot be a cluster account and may be an injection attempt.
const userNamePattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/**
 * Raises `SlurmTokenError` (failure `user-rejected`) unless gha-slurm may act as
 * `user` on the cluster: a valid name that is not root, not the SlurmUser, and
 * mapped by the configuration.
 */
export function assertUserAllowed(user: string, policy: UserPolicy): void {
  const reject = (reason: string): never => {
    throw new SlurmTokenError(`Rejected the token request for user "${user}" on cluster ${policy.cluster}: ${reason}.`, {
      failure: 'user-rejected',
      cluster: policy.cluster,
      user,
    });
  };

  if (!userNamePattern.test(user)) {
    reject('not a valid user name (letters, digits, ".", "_" and "-", at most 64 characters)');
  }
  if (user === 'root') {
    reject('root may act as any user, so gha-slurm never acts as root');
  }
  if (user === policy.slurmUser) {
    reject('it is the cluster\'s SlurmUser, which may act as any user, so gha-slurm never acts as it');
  }

  const allowed = typeof policy.allowedUsers === 'function' ? policy.allowedUsers(user) : policy.allowedUsers.has(user);
  if (!allowed) {
    reject('no access rule maps a repository to this user; add one to `access` if this user should run jobs');
  }
}
