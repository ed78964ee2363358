/**
 * The GitHub stand-in's two kinds of credentials, checked as GitHub checks them:
 * an App JWT (RS256, signed with the App's private key, `iss` = App id, at most ten
 * minutes long) for `/app/...`, and an installation access token for the rest.
 */
import type { KeyObject } from 'node:crypto';
import { jwtVerify, errors as joseErrors } from 'jose';

/** An error that the stand-in returns as GitHub does: `{ message, documentation_url, status }`. */
export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GitHubError';
  }
}

/** Extracts the credential of an `Authorization` header, `bearer X` or `token X`, because GitHub accepts both. */
export function credentialOf(header: string | undefined): string {
  const match = /^(?:bearer|token)\s+(\S+)$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) throw new GitHubError(401, 'Requires authentication');
  return match[1];
}

/** Verifies an App JWT; throws a 401 GitHubError with GitHub's wording when it is not valid. */
export async function verifyAppJwt(token: string, publicKey: KeyObject, appId: number): Promise<void> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, publicKey, { algorithms: ['RS256'] }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      throw new GitHubError(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
    }
    throw new GitHubError(401, 'A JSON web token could not be decoded');
  }

  if (String(payload.iss) !== String(appId)) {
    throw new GitHubError(401, `'Issuer' claim ('iss') must match the App id ${appId}`);
  }
  if (payload.exp === undefined || payload.iat === undefined || payload.exp - payload.iat > 600) {
    throw new GitHubError(401, "'Expiration time' claim ('exp') is too far in the future");
  }
}
