import { createPrivateKey, type KeyObject } from 'node:crypto';

import { SignJWT } from 'jose';

import { SlurmTokenError } from '../errors.js';
import type { SecretFile } from './secret-file.js';

/** Signs Slurm tokens with a key read from a file. */
export interface TokenSigner {
  /** Loads the current key, re-reading a changed file, and returns a number that changes with the key. */
  generation(): Promise<number>;
  /** Signs a token with the claims slurmctld reads: `sun`, `iat` and `exp` (in seconds). */
  sign(user: string, issuedAt: number, expiresAt: number): Promise<string>;
}

type SigningHeader = { alg: 'HS256' } | { alg: 'RS256'; kid: string };

/** Creates an HS256 signer that uses the raw bytes of the cluster's `jwt_hs256.key` as the key. */
export function createHs256Signer(keyFile: SecretFile): TokenSigner {
  return createFileSigner(keyFile, { alg: 'HS256' }, (content) => new Uint8Array(content));
}

/**
 * Creates an RS256 signer from a PEM private key (PKCS#1 or PKCS#8). `keyId` goes
 * into the `kid` header so that slurmctld finds the public key in its JWKS.
 */
export function createRs256Signer(keyFile: SecretFile, keyId: string, cluster: string): TokenSigner {
  return createFileSigner(keyFile, { alg: 'RS256', kid: keyId }, (content) =>
    parseRsaPrivateKey(content, keyFile.path, cluster),
  );
}

function createFileSigner<Key extends Uint8Array | KeyObject>(
  keyFile: SecretFile,
  header: SigningHeader,
  parseKey: (content: Buffer) => Key,
): TokenSigner {
  let current: { key: Key; generation: number } | undefined;

  const load = async (): Promise<{ key: Key; generation: number }> => {
    const { content, generation } = await keyFile.read();
    if (current?.generation !== generation) current = { key: parseKey(content), generation };
    return current;
  };

  return {
    generation: async () => (await load()).generation,
    sign: async (user, issuedAt, expiresAt) => {
      const { key } = await load();
      return new SignJWT({ sun: user })
        .setProtectedHeader({ ...header, typ: 'JWT' })
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(key);
    },
  };
}

function parseRsaPrivateKey(pem: Buffer, path: string, cluster: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new SlurmTokenError(
      `The RS256 key file ${path} of cluster ${cluster} does not contain a PEM private key; ` +
        'give the file that starts with "-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----".',
      { failure: 'key-file', cluster, file: path, cause: error },
    );
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new SlurmTokenError(
      `The RS256 key file ${path} of cluster ${cluster} contains a ${key.asymmetricKeyType ?? 'non-RSA'} key; ` +
        'RS256 needs an RSA private key.',
      { failure: 'key-file', cluster, file: path },
    );
  }
  return key;
}
