import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeProtectedHeader, importSPKI, jwtVerify, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ClusterAuth, ClusterConfig } from '../../../src/config/types.js';
import { createTokenProvider } from '../../../src/slurm/auth/index.js';
import { SlurmTokenError } from '../../../src/slurm/errors.js';
import { rejectionOf } from './rejection.js';

let dir: string;
let clock: number;
const now = () => clock;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gha-slurm-auth-'));
  clock = Date.UTC(2026, 0, 1, 12, 0, 0);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function clusterWith(auth: ClusterAuth, lifetime = 600): ClusterConfig {
  return {
    name: 'hpc',
    url: 'http://127.0.0.1:6820',
    apiVersion: 'auto',
    auth,
    slurmUser: 'slurm',
    tokenLifetimeSeconds: lifetime,
    requestTimeoutMs: 5000,
  };
}

async function writeSecret(name: string, content: string | Buffer, mode = 0o600): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  await chmod(path, mode);
  return path;
}

const allowed = new Set(['ci-alice', 'ci-bob']);

describe('hs256 tokens', () => {
  it('signs sun, iat and exp with the raw key bytes', async () => {
    const key = randomBytes(32);
    const keyFile = await writeSecret('jwt_hs256.key', key);
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'hs256', keyFile }), allowedUsers: allowed, now });

    const token = await provider.tokenFor('ci-alice');
    const { payload, protectedHeader } = await jwtVerify(token, new Uint8Array(key), { currentDate: new Date(clock) });

    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.sun).toBe('ci-alice');
    expect(payload.iat).toBe(clock / 1000);
    expect(payload.exp).toBe(clock / 1000 + 600);
  });

  it('reuses a token until 80% of its lifetime', async () => {
    const keyFile = await writeSecret('jwt_hs256.key', randomBytes(32));
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'hs256', keyFile }), allowedUsers: allowed, now });

    const first = await provider.tokenFor('ci-alice');
    clock += 479_000;
    expect(await provider.tokenFor('ci-alice')).toBe(first);
    clock += 1_000;
    expect(await provider.tokenFor('ci-alice')).not.toBe(first);
  });

  it('keeps one token per user', async () => {
    const keyFile = await writeSecret('jwt_hs256.key', randomBytes(32));
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'hs256', keyFile }), allowedUsers: allowed, now });

    const alice = await provider.tokenFor('ci-alice');
    const bob = await provider.tokenFor('ci-bob');

    expect(alice).not.toBe(bob);
    expect(await provider.tokenFor('ci-alice')).toBe(alice);
  });

  it('never hands out a token with under 30 seconds left', async () => {
    // With a 100 s lifetime, renewal at 80% would leave only 20 s.
    const keyFile = await writeSecret('jwt_hs256.key', randomBytes(32));
    const provider = createTokenProvider({
      cluster: clusterWith({ type: 'hs256', keyFile }, 100),
      allowedUsers: allowed,
      now,
    });

    const first = await provider.tokenFor('ci-alice');
    clock += 70_000;
    expect(await provider.tokenFor('ci-alice')).toBe(first);
    clock += 1_000;
    expect(await provider.tokenFor('ci-alice')).not.toBe(first);
  });

  it('signs again with a replaced key', async () => {
    const keyFile = await writeSecret('jwt_hs256.key', randomBytes(32));
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'hs256', keyFile }), allowedUsers: allowed, now });
    const first = await provider.tokenFor('ci-alice');

    const newKey = randomBytes(32);
    await writeSecret('jwt_hs256.key', newKey);
    await utimes(keyFile, new Date(), new Date(Date.now() + 5000));
    const second = await provider.tokenFor('ci-alice');

    expect(second).not.toBe(first);
    await expect(jwtVerify(second, new Uint8Array(newKey), { currentDate: new Date(clock) })).resolves.toBeDefined();
  });

  it('rejects a key file that group or others can read', async () => {
    const keyFile = await writeSecret('jwt_hs256.key', randomBytes(32), 0o640);
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'hs256', keyFile }), allowedUsers: allowed, now });

    const error = await rejectionOf(provider.tokenFor('ci-alice'), SlurmTokenError);

    expect(error.failure).toBe('key-file');
    expect(error.file).toBe(keyFile);
    expect(error.message).toContain('mode 640');
    expect(error.message).toContain(`chmod 600 ${keyFile}`);
  });

  it('rejects a missing key file', async () => {
    const keyFile = join(dir, 'absent.key');
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'hs256', keyFile }), allowedUsers: allowed, now });

    const error = await rejectionOf(provider.tokenFor('ci-alice'), SlurmTokenError);

    expect(error.failure).toBe('key-file');
    expect(error.message).toContain(keyFile);
    expect(error.message).toContain('does not exist');
  });

  it('rejects an empty key file', async () => {
    const keyFile = await writeSecret('jwt_hs256.key', '');
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'hs256', keyFile }), allowedUsers: allowed, now });

    const error = await rejectionOf(provider.tokenFor('ci-alice'), SlurmTokenError);

    expect(error.message).toContain('is empty');
  });

  it('rejects a lifetime too short to keep 30 seconds in hand', () => {
    expect(() =>
      createTokenProvider({
        cluster: clusterWith({ type: 'hs256', keyFile: join(dir, 'k') }, 45),
        allowedUsers: allowed,
      }),
    ).toThrow(/tokenLifetimeSeconds of cluster hpc is 45/);
  });
});

describe('user rejection', () => {
  const cases: Array<[string, RegExp]> = [
    ['root', /never acts as root/],
    ['slurm', /SlurmUser/],
    ['ci-mallory', /no access rule maps/],
    ['alice;rm', /not a valid user name/],
    ['', /not a valid user name/],
  ];

  it.each(cases)('rejects %j before reading the key', async (user, reason) => {
    // The key file does not exist, so reaching it would fail with another message.
    const provider = createTokenProvider({
      cluster: clusterWith({ type: 'hs256', keyFile: join(dir, 'absent.key') }),
      allowedUsers: allowed,
      now,
    });

    const error = await rejectionOf(provider.tokenFor(user), SlurmTokenError);

    expect(error.failure).toBe('user-rejected');
    expect(error.user).toBe(user);
    expect(error.message).toContain(`"${user}"`);
    expect(error.message).toMatch(reason);
  });

  it('rejects root even when the mapping allows it', async () => {
    const provider = createTokenProvider({
      cluster: clusterWith({ type: 'hs256', keyFile: join(dir, 'absent.key') }),
      allowedUsers: () => true,
      now,
    });

    const error = await rejectionOf(provider.tokenFor('root'), SlurmTokenError);

    expect(error.failure).toBe('user-rejected');
  });
});

describe('rs256 tokens', () => {
  it('signs with the private key and names the key id', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateKeyFile = await writeSecret('rs256.pem', privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const provider = createTokenProvider({
      cluster: clusterWith({ type: 'rs256', privateKeyFile, keyId: 'site-2026' }),
      allowedUsers: allowed,
      now,
    });

    const token = await provider.tokenFor('ci-bob');
    const verifyKey = await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'RS256');
    const { payload } = await jwtVerify(token, verifyKey, { currentDate: new Date(clock) });

    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: 'site-2026' });
    expect(payload.sun).toBe('ci-bob');
  });

  it('rejects a key file without a private key', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateKeyFile = await writeSecret('rs256.pem', publicKey.export({ type: 'spki', format: 'pem' }));
    const provider = createTokenProvider({
      cluster: clusterWith({ type: 'rs256', privateKeyFile, keyId: 'k' }),
      allowedUsers: allowed,
      now,
    });

    const error = await rejectionOf(provider.tokenFor('ci-bob'), SlurmTokenError);

    expect(error.failure).toBe('key-file');
    expect(error.message).toContain('does not contain a PEM private key');
  });

  it('rejects a key that is not RSA', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateKeyFile = await writeSecret('ec.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const provider = createTokenProvider({
      cluster: clusterWith({ type: 'rs256', privateKeyFile, keyId: 'k' }),
      allowedUsers: allowed,
      now,
    });

    const error = await rejectionOf(provider.tokenFor('ci-bob'), SlurmTokenError);

    expect(error.message).toContain('contains a ec key');
  });
});

describe('static tokens', () => {
  async function siteToken(user: string, expiresAt: number): Promise<string> {
    return new SignJWT({ sun: user })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(clock / 1000)
      .setExpirationTime(expiresAt)
      .sign(randomBytes(32));
  }

  it('returns the file content for the user it was issued for', async () => {
    const token = await siteToken('ci-alice', clock / 1000 + 3600);
    const tokenFile = await writeSecret('token', `SLURM_JWT=${token}\n`);
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'static', tokenFile }), allowedUsers: allowed, now });

    expect(await provider.tokenFor('ci-alice')).toBe(token);
  });

  it('rejects a caller other than the token user', async () => {
    const tokenFile = await writeSecret('token', await siteToken('ci-alice', clock / 1000 + 3600));
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'static', tokenFile }), allowedUsers: allowed, now });

    const error = await rejectionOf(provider.tokenFor('ci-bob'), SlurmTokenError);

    expect(error.failure).toBe('static-token');
    expect(error.message).toContain('for user "ci-alice", not "ci-bob"');
  });

  it('reads the file again when it changes', async () => {
    const tokenFile = await writeSecret('token', await siteToken('ci-alice', clock / 1000 + 3600));
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'static', tokenFile }), allowedUsers: allowed, now });
    await provider.tokenFor('ci-alice');

    const replacement = await siteToken('ci-alice', clock / 1000 + 7200);
    await writeSecret('token', replacement);
    await utimes(tokenFile, new Date(), new Date(Date.now() + 5000));

    expect(await provider.tokenFor('ci-alice')).toBe(replacement);
  });

  it('rejects a token about to expire', async () => {
    const tokenFile = await writeSecret('token', await siteToken('ci-alice', clock / 1000 + 10));
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'static', tokenFile }), allowedUsers: allowed, now });

    const error = await rejectionOf(provider.tokenFor('ci-alice'), SlurmTokenError);

    expect(error.failure).toBe('static-token');
    expect(error.message).toContain('write a new token to the file');
  });

  it('rejects a token file others can read', async () => {
    const tokenFile = await writeSecret('token', await siteToken('ci-alice', clock / 1000 + 3600), 0o644);
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'static', tokenFile }), allowedUsers: allowed, now });

    const error = await rejectionOf(provider.tokenFor('ci-alice'), SlurmTokenError);

    expect(error.failure).toBe('key-file');
    expect(error.message).toContain('mode 644');
  });

  it('applies the user refusals too', async () => {
    const tokenFile = await writeSecret('token', await siteToken('root', clock / 1000 + 3600));
    const provider = createTokenProvider({ cluster: clusterWith({ type: 'static', tokenFile }), allowedUsers: () => true, now });

    const error = await rejectionOf(provider.tokenFor('root'), SlurmTokenError);

    expect(error.failure).toBe('user-rejected');
  });
});
