import { SignJWT, errors, jwtVerify } from 'jose';

/** The `aud` claim of launch tokens; a token made for another audience is rejected. */
export const launchTokenAudience = 'gha-slurm-callback';
/** The `iss` claim of launch tokens. */
export const launchTokenIssuer = 'gha-slurm';

/** Settings shared by signing and verifying launch tokens. */
export interface LaunchTokenSettings {
  /** The HS256 key, `runner.launchTokenSecret`. */
  secret: string;
  /** Lifetime in seconds, `runner.launchTokenLifetimeSeconds`. */
  lifetimeSeconds: number;
}

/** A launch token that failed verification; `reason` is safe to log and to return. */
export class LaunchTokenError extends Error {
  constructor(
    readonly reason: 'missing' | 'expired' | 'invalid',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LaunchTokenError';
  }
}

/** Signs the single-use token that lets the Slurm job of `runnerId` fetch its JIT configuration. */
export async function signLaunchToken(settings: LaunchTokenSettings, runnerId: string, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(launchTokenIssuer)
    .setAudience(launchTokenAudience)
    .setJti(runnerId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.lifetimeSeconds)
    .sign(secretKey(settings.secret));
}

/**
 * Verifies signature, algorithm, issuer, audience and expiry of a launch token
 * and returns the runner id it was issued for. Single use is enforced by the
 * caller through the store, not here.
 */
export async function verifyLaunchToken(settings: LaunchTokenSettings, token: string, now: Date): Promise<string> {
  if (token === '') {
    throw new LaunchTokenError('missing', 'launch token missing: send it as "Authorization: Bearer <token>"');
  }
  try {
    const { payload } = await jwtVerify(token, secretKey(settings.secret), {
      algorithms: ['HS256'],
      audience: launchTokenAudience,
      issuer: launchTokenIssuer,
      currentDate: now,
      requiredClaims: ['jti', 'exp'],
    });
    return payload.jti as string;
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new LaunchTokenError('expired', 'launch token expired: the Slurm job waited longer than runner.launchTokenLifetimeSeconds', { cause: error });
    }
    throw new LaunchTokenError('invalid', 'launch token invalid: wrong signature, audience, issuer or format', { cause: error });
  }
}

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}
