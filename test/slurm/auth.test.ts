import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SlurmApiError, SlurmTokenError } from '../../src/slurm/errors.js';
import type { SlurmClient } from '../../src/slurm/types.js';
import { requiredClusters } from '../helpers/clusters.js';
import { rejectionOf } from '../unit/slurm/rejection.js';
import { batchJob, clientFor } from './helpers.js';

const clusters = requiredClusters();
const clients: SlurmClient[] = [];
let dir: string;
let wrongKeyFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gha-slurm-auth-'));
  wrongKeyFile = join(dir, 'wrong.key');
  await writeFile(wrongKeyFile, randomBytes(32));
  await chmod(wrongKeyFile, 0o600);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await rm(dir, { recursive: true, force: true });
});

describe.each(clusters)('$name', (info) => {
  const track = (client: SlurmClient) => {
    clients.push(client);
    return client;
  };

  it('rejects an expired token clearly', async () => {
    // Tokens signed an hour ago with a 10 minute lifetime have expired.
    const client = track(clientFor(info, {}, { now: () => Date.now() - 3_600_000 }));

    const error = await rejectionOf(client.submit('ci-alice', batchJob(info, 'true')), SlurmApiError);

    expect(error.failure).toBe('auth');
    expect(error.message).toContain('rejected the token');
    expect(error.message).toContain(info.jwtKeyFile);
  });

  it('rejects a token signed with the wrong key clearly', async () => {
    const client = track(clientFor(info, { auth: { type: 'hs256', keyFile: wrongKeyFile } }));

    const error = await rejectionOf(client.submit('ci-alice', batchJob(info, 'true')), SlurmApiError);

    expect(error.failure).toBe('auth');
    expect(error.message).toContain(wrongKeyFile);
  });

  it('rejects an unknown partition clearly', async () => {
    const client = track(clientFor(info));

    const error = await rejectionOf(client.submit('ci-alice', batchJob(info, 'true', { partition: 'no-such-partition' })), SlurmApiError);

    expect(error.failure).toBe('rejected');
    expect(error.errorNumber).toBe(2000);
    expect(error.message).toContain('Invalid partition name specified');
  });

  it('rejects root and the SlurmUser before any request', async () => {
    const statuses: Array<number | undefined> = [];
    const client = track(clientFor(info, {}, { allowedUsers: () => true, onRequest: (event) => statuses.push(event.status) }));

    const asRoot = await rejectionOf(client.submit('root', batchJob(info, 'true')), SlurmTokenError);
    const asSlurmUser = await rejectionOf(client.cancel(info.slurmUser, 1), SlurmTokenError);

    expect(asRoot.failure).toBe('user-rejected');
    expect(asSlurmUser.failure).toBe('user-rejected');
    expect(asSlurmUser.message).toContain('SlurmUser');
    expect(statuses).toEqual([]);
  });

  it('rejects an unmapped user before any request', async () => {
    const statuses: Array<number | undefined> = [];
    const client = track(clientFor(info, {}, { allowedUsers: new Set(['ci-alice']), onRequest: (event) => statuses.push(event.status) }));

    const error = await rejectionOf(client.ping('ci-bob'), SlurmTokenError);

    expect(error.message).toContain('no access rule maps');
    expect(statuses).toEqual([]);
  });
});
