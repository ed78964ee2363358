import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Config } from '../../../src/config/types.js';
import { collectChecks, runDoctor, type CheckResult } from '../../../src/doctor/index.js';
import { usersOnCluster } from '../../../src/doctor/slurm.js';
import { SlurmApiError } from '../../../src/slurm/errors.js';
import { createAppKey, createFakeGitHub, fakeGitHubUrl, type FakeGitHub } from '../../helpers/github.js';
import { doctorConfig, fakeSlurmClient, type FakeClusterBehaviour } from './fixtures.js';

const appId = 5150;
const privateKey = createAppKey();
const msw = setupServer();
let fake: FakeGitHub;
let callbackServer: Server;
let callbackStatus = 200;
let callbackUrl: string;

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: 'error' });
  callbackServer = createServer((request, response) => {
    response.statusCode = request.url === '/healthz' ? callbackStatus : 404;
    response.end();
  });
  await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  msw.close();
  await new Promise((resolve) => callbackServer.close(resolve));
});

beforeEach(() => {
  callbackStatus = 200;
  fake = createFakeGitHub({ appId, privateKey });
  fake.state.installations = [{ id: 1, account: 'octo-org' }];
  msw.resetHandlers(...fake.handlers, http.get(`${callbackUrl}/healthz`, () => passthrough()));
});

afterEach(() => msw.resetHandlers());

function config(changes: Partial<{ privateKey: string; callbackUrl: string }> = {}): Config {
  return doctorConfig({ appId, privateKey, apiUrl: fakeGitHubUrl, callbackUrl, ...changes });
}

async function check(
  configuration: Config,
  clusters: Record<string, FakeClusterBehaviour> = {},
  checkTimeoutMs = 2000,
): Promise<CheckResult[]> {
  return collectChecks(configuration, {
    checkTimeoutMs,
    dependencies: { slurmClient: (cluster) => fakeSlurmClient(cluster.name, clusters[cluster.name]) },
  });
}

function find(results: CheckResult[], name: string): CheckResult {
  const result = results.find((candidate) => candidate.name === name);
  expect(result, `check "${name}" in ${results.map((r) => r.name).join(', ')}`).toBeDefined();
  return result!;
}

describe('runDoctor', () => {
  it('prints every check and exits 0 when all pass', async () => {
    let output = '';
    const status = await runDoctor(config(), {
      output: (text) => (output += text),
      dependencies: {
        slurmClient: (cluster) => fakeSlurmClient(cluster.name, { accounting: { accounts: ['research'], qos: ['normal'] } }),
      },
    });

    expect(status).toBe(0);
    expect(output).toMatch(/^STATUS {2}CHECK/);
    expect(output).toMatch(/^OK {6}GitHub App credentials +app 5150 is/m);
    expect(output).toMatch(/^OK {6}cluster hpc1: slurmrestd +Slurm 24\.11\.5, API v0\.0\.42/m);
    expect(output).toMatch(/^OK {6}callback URL/m);
    expect(output).not.toContain('How to fix');
    expect(output).toMatch(/\n12 OK, 0 FAIL, 1 SKIP\n$/);
  });

  it('exits 1 and prints fixes on failure', async () => {
    let output = '';
    const status = await runDoctor(config({ privateKey: createAppKey() }), {
      output: (text) => (output += text),
      dependencies: { slurmClient: (cluster) => fakeSlurmClient(cluster.name) },
    });

    expect(status).toBe(1);
    expect(output).toMatch(/^FAIL {4}GitHub App credentials/m);
    expect(output).toMatch(/How to fix:\n- GitHub App credentials: github\.appId or github\.privateKey is wrong/);
  });
});

describe('GitHub checks', () => {
  it('fails a private key of another App', async () => {
    const results = await check(config({ privateKey: createAppKey() }));

    expect(find(results, 'GitHub App credentials').status).toBe('FAIL');
    expect(find(results, 'GitHub App credentials').detail).toMatch(/401/);
    expect(find(results, 'GitHub App installations').status).toBe('SKIP');
  });

  it('fails an App without installations', async () => {
    fake.state.installations = [];
    const result = find(await check(config()), 'GitHub App installations');

    expect(result.status).toBe('FAIL');
    expect(result.fix).toMatch(/^install the App/);
  });

  it('lists the installed accounts', async () => {
    fake.state.installations = [{ id: 1, account: 'octo-org' }, { id: 2, account: 'hpc-lab' }];
    const result = find(await check(config()), 'GitHub App installations');

    expect(result).toEqual({ name: 'GitHub App installations', status: 'OK', detail: '2 installation(s): octo-org, hpc-lab' });
  });
});

describe('cluster checks', () => {
  it('skips the rest of an unreachable cluster', async () => {
    const unreachable = new SlurmApiError('connection refused', { failure: 'unreachable', cluster: 'hpc2', operation: 'version' });
    const results = await check(config(), { hpc2: { authenticate: () => Promise.reject(unreachable) } });

    const version = find(results, 'cluster hpc2: slurmrestd');
    expect(version.status).toBe('FAIL');
    expect(version.fix).toMatch(/^check clusters\[1\]\.url \(http:\/\/127\.0\.0\.1:9\/hpc2\)/);
    expect(find(results, 'cluster hpc2: token for ci2')).toMatchObject({ status: 'SKIP', detail: 'slurmrestd is unreachable' });
    expect(find(results, 'pool small: partition')).toMatchObject({ status: 'SKIP' });
    expect(find(results, 'cluster hpc1: slurmrestd').status).toBe('OK');
  });

  it('skips the version when no user authenticates', async () => {
    const rejected = () => Promise.reject(new SlurmApiError('Authentication failure', { failure: 'auth', cluster: 'hpc2', operation: 'listPartitions', status: 401 }));
    const results = await check(config(), { hpc2: { authenticate: rejected } });

    expect(find(results, 'cluster hpc2: slurmrestd')).toMatchObject({ status: 'SKIP', detail: 'no mapped user could authenticate, so the version was not read' });
    expect(find(results, 'cluster hpc2: token for ci2').status).toBe('FAIL');
    expect(find(results, 'pool small: partition')).toMatchObject({ status: 'SKIP', detail: 'no mapped user could authenticate' });
  });

  it('treats HTTP 511 as a rejected token', async () => {
    const rejected = () =>
      Promise.reject(new SlurmApiError('no error text in the reply', { failure: 'rejected', cluster: 'hpc2', operation: 'listPartitions', status: 511 }));
    const result = find(await check(config(), { hpc2: { authenticate: rejected } }), 'cluster hpc2: token for ci2');

    expect(result.status).toBe('FAIL');
    expect(result.fix).toMatch(/^slurmrestd rejected the token for user ci2: check that clusters\[1\]\.auth matches/);
  });

  it('fails a version that cannot be read', async () => {
    const broken = () => Promise.reject(new SlurmApiError('no ping reply', { failure: 'invalid-reply', cluster: 'hpc1', operation: 'version' }));
    const result = find(await check(config(), { hpc1: { version: broken } }), 'cluster hpc1: slurmrestd');

    expect(result.status).toBe('FAIL');
    expect(result.fix).toMatch(/is not slurmrestd's JSON/);
  });

  it('checks a token for each mapped user', async () => {
    const results = await check(config());
    const names = results.map((result) => result.name).filter((name) => name.includes('token for'));

    expect(names).toEqual(['cluster hpc1: token for alice', 'cluster hpc1: token for ci', 'cluster hpc2: token for ci2']);
  });

  it('fails a rejected token with the key fix', async () => {
    const rejected = (user: string) =>
      user === 'alice'
        ? Promise.reject(new SlurmApiError('Authentication failure', { failure: 'auth', cluster: 'hpc1', operation: 'listPartitions', status: 401 }))
        : Promise.resolve();
    const results = await check(config(), { hpc1: { authenticate: rejected } });

    const alice = find(results, 'cluster hpc1: token for alice');
    expect(alice.status).toBe('FAIL');
    expect(alice.fix).toMatch(/for user alice: check that clusters\[0\]\.auth matches AuthAltParameters/);
    expect(find(results, 'cluster hpc1: token for ci').status).toBe('OK');
    expect(find(results, 'pool cpu: partition').status).toBe('OK');
  });

  it('fails an unknown partition and lists the known ones', async () => {
    const results = await check(config(), { hpc1: { partitions: ['batch', 'debug'] } });
    const gpu = find(results, 'pool gpu: partition');

    expect(gpu.status).toBe('FAIL');
    expect(gpu.detail).toBe('partition "gpu" not found on hpc1; it has: batch, debug');
    expect(gpu.fix).toBe('set pools[1].partition (pool gpu) to one of: batch, debug');
    expect(find(results, 'pool cpu: partition').status).toBe('OK');
  });

  it('skips a pool without partition', async () => {
    const result = find(await check(config()), 'pool small: partition');

    expect(result).toMatchObject({ status: 'SKIP', detail: 'no partition named; jobs go to the default partition of hpc2' });
  });

  it('skips accounts without slurmdbd endpoints', async () => {
    const results = await check(config());

    expect(find(results, 'pool cpu: account').status).toBe('SKIP');
    expect(find(results, 'pool cpu: QOS').detail).toMatch(/slurmdbd endpoints/);
  });

  it('skips accounts when slurmrestd returns 404', async () => {
    const notFound = () =>
      Promise.reject(new SlurmApiError('not found', { failure: 'rejected', cluster: 'hpc1', operation: 'listAccounts', status: 404 }));
    const result = find(await check(config(), { hpc1: { accounting: notFound } }), 'pool cpu: account');

    expect(result).toMatchObject({ status: 'SKIP', detail: 'slurmrestd on hpc1 serves no slurmdbd endpoints, so accounts and QOS cannot be listed' });
  });

  it('fails an unknown account and QOS', async () => {
    const results = await check(config(), { hpc1: { accounting: { accounts: ['physics'], qos: ['normal'] } } });

    expect(find(results, 'pool cpu: account')).toMatchObject({ status: 'FAIL', detail: 'account "research" not found on hpc1' });
    expect(find(results, 'pool cpu: account').fix).toMatch(/one of: physics, or create it with sacctmgr/);
    expect(find(results, 'pool cpu: QOS').status).toBe('OK');
  });

  it('fails a check that times out', async () => {
    const results = await check(config(), { hpc2: { authenticate: () => new Promise(() => undefined) } }, 100);
    const version = find(results, 'cluster hpc2: slurmrestd');

    expect(version).toMatchObject({ status: 'FAIL', detail: 'timed out after 100 ms' });
    expect(version.fix).toMatch(/did not reply in time/);
  });
});

describe('callback check', () => {
  it('fails when /healthz is not 200', async () => {
    callbackStatus = 503;
    const result = find(await check(config()), 'callback URL');

    expect(result.status).toBe('FAIL');
    expect(result.detail).toBe(`GET ${callbackUrl}/healthz returned 503`);
  });

  it('fails when nothing listens', async () => {
    const unused = createServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve));
    const closed = `http://127.0.0.1:${(unused.address() as AddressInfo).port}`;
    await new Promise((resolve) => unused.close(resolve));
    msw.use(http.get(`${closed}/healthz`, () => passthrough()));
    const result = find(await check(config({ callbackUrl: `${closed}/runners/jit-config` })), 'callback URL');

    expect(result.status).toBe('FAIL');
    expect(result.detail).toBe(`GET ${closed}/healthz failed: fetch failed (connect ECONNREFUSED ${closed.slice('http://'.length)})`);
    expect(result.fix).toMatch(/^start gha-slurm/);
  });
});

describe('usersOnCluster', () => {
  it('follows pools and per-cluster users', () => {
    const configuration = config();

    expect(usersOnCluster(configuration, 'hpc1')).toEqual(['alice', 'ci']);
    expect(usersOnCluster(configuration, 'hpc2')).toEqual(['ci2']);
    expect(usersOnCluster(configuration, 'hpc3')).toEqual([]);
  });
});
