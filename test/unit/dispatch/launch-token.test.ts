import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  LaunchTokenError,
  launchTokenAudience,
  launchTokenIssuer,
  signLaunchToken,
  verifyLaunchToken,
} from '../../../src/dispatch/launch-token.js';

const settings = { secret: 'a-secret-of-enough-length-for-hs256', lifetimeSeconds: 600 };
const now = new Date('2026-01-01T00:00:00Z');

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LaunchTokenError);
  return (error as LaunchTokenError).reason;
}

async function forge(claims: { aud?: string; iss?: string; jti?: string }, secret = settings.secret): Promise<string> {
  const token = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now.getTime() / 1000).setExpirationTime(now.getTime() / 1000 + 60);
  if (claims.aud) token.setAudience(claims.aud);
  if (claims.iss) token.setIssuer(claims.iss);
  if (claims.jti) token.setJti(claims.jti);
  return token.sign(new TextEncoder().encode(secret));
}

describe('launch tokens', () => {
  it('returns the runner id of a valid token', async () => {
    const token = await signLaunchToken(settings, 'runner-1', now);

    await expect(verifyLaunchToken(settings, token, now)).resolves.toBe('runner-1');
  });

  it('rejects an expired token', async () => {
    const token = await signLaunchToken(settings, 'runner-1', now);
    const later = new Date(now.getTime() + 601_000);

    expect(await reason(verifyLaunchToken(settings, token, later))).toBe('expired');
  });

  it('rejects a wrong signature', async () => {
    const token = await signLaunchToken({ ...settings, secret: 'another-secret-of-enough-length!!' }, 'runner-1', now);

    expect(await reason(verifyLaunchToken(settings, token, now))).toBe('invalid');
  });

  it('rejects a wrong audience', async () => {
    const token = await forge({ aud: 'someone-else', iss: launchTokenIssuer, jti: 'runner-1' });

    expect(await reason(verifyLaunchToken(settings, token, now))).toBe('invalid');
  });

  it('rejects a wrong issuer', async () => {
    const token = await forge({ aud: launchTokenAudience, iss: 'someone-else', jti: 'runner-1' });

    expect(await reason(verifyLaunchToken(settings, token, now))).toBe('invalid');
  });

  it('rejects a token without a runner id', async () => {
    const token = await forge({ aud: launchTokenAudience, iss: launchTokenIssuer });

    expect(await reason(verifyLaunchToken(settings, token, now))).toBe('invalid');
  });

  it('rejects garbage and empty tokens', async () => {
    expect(await reason(verifyLaunchToken(settings, 'not.a.jwt', now))).toBe('invalid');
    expect(await reason(verifyLaunchToken(settings, '', now))).toBe('missing');
  });
});
