import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ClusterConfig } from '../../../src/config/types.js';
import { createSlurmClient, type SlurmClientOptions } from '../../../src/slurm/client.js';
import { SlurmApiError, SlurmTokenError } from '../../../src/slurm/errors.js';
import type { JobDescription, SlurmClient } from '../../../src/slurm/types.js';
import { rejectionOf } from './rejection.js';
import { fixture, openapiListing, startFakeSlurmrestd, type FakeSlurmrestd } from './fake-slurmrestd.js';

let dir: string;
let key: Buffer;
let keyFile: string;
let daemon: FakeSlurmrestd;
let client: SlurmClient | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gha-slurm-client-'));
  key = randomBytes(32);
  keyFile = join(dir, 'jwt_hs256.key');
  await writeFile(keyFile, key);
  await chmod(keyFile, 0o600);
  daemon = await startFakeSlurmrestd();
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await daemon.close();
  await rm(dir, { recursive: true, force: true });
});

function clusterConfig(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    name: 'hpc',
    url: daemon.url,
    apiVersion: 'auto',
    auth: { type: 'hs256', keyFile },
    slurmUser: 'slurm',
    tokenLifetimeSeconds: 600,
    requestTimeoutMs: 2000,
    ...overrides,
  };
}

function connect(overrides: Partial<ClusterConfig> = {}, options: Partial<SlurmClientOptions> = {}): SlurmClient {
  client = createSlurmClient({ cluster: clusterConfig(overrides), allowedUsers: new Set(['ci-alice', 'ci-bob']), ...options });
  return client;
}

function serveVersion(version: 'v0.0.38' | 'v0.0.42' | 'v0.0.45', served: string[] = [version]): void {
  daemon.reply('GET /openapi/v3', openapiListing(served));
  daemon.reply(`GET /slurm/${version}/ping${version === 'v0.0.38' ? '' : '/'}`, fixture(`${version}-ping`));
}

const job: JobDescription = {
  name: 'gha-runner',
  script: '#!/bin/bash\nexec ./run.sh\n',
  environment: { PATH: '/usr/bin:/bin', RUNNER_ID: 'r1' },
  partition: 'debug',
  cpusPerTask: 2,
  memoryMb: 2048,
  timeLimitMinutes: 30,
  gres: 'gpu:1',
  comment: 'gha-slurm r1',
  workingDirectory: '/home/ci-alice',
  stdout: '/home/ci-alice/r1.out',
};

describe('version discovery', () => {
  it('picks the newest version both sides support', async () => {
    serveVersion('v0.0.42', ['v0.0.40', 'v0.0.41', 'v0.0.42', 'v0.0.99']);

    const info = await connect().version('ci-alice');

    expect(info).toEqual({ release: '24.11.5', apiVersion: 'v0.0.42', servedApiVersions: ['v0.0.40', 'v0.0.41', 'v0.0.42', 'v0.0.99'] });
  });

  it('uses the first mapped user when called without one', async () => {
    serveVersion('v0.0.38');

    await connect().version();

    expect(daemon.requests[0]?.headers['x-slurm-user-name']).toBe('ci-alice');
  });

  it('needs a user when the mapping is a predicate', async () => {
    serveVersion('v0.0.38');

    await expect(connect({}, { allowedUsers: () => true }).version()).rejects.toThrow(/pass the user to discover it as/);
    expect(daemon.requests).toHaveLength(0);
  });

  it('discovers once for many calls', async () => {
    serveVersion('v0.0.38');
    daemon.reply('GET /slurm/v0.0.38/partitions', { status: 200, body: { errors: [], partitions: [{ name: 'debug' }] } });
    const slurm = connect();

    await Promise.all([slurm.listPartitions('ci-alice'), slurm.listPartitions('ci-bob')]);

    expect(daemon.requests.filter((request) => request.path === '/openapi/v3')).toHaveLength(1);
  });

  it('rejects a pinned version the daemon does not serve', async () => {
    serveVersion('v0.0.38');

    const error = await rejectionOf(connect({ apiVersion: 'v0.0.42' }).ping('ci-alice'), SlurmApiError);

    expect(error.failure).toBe('unsupported-version');
    expect(error.message).toContain('does not serve the configured apiVersion v0.0.42');
    expect(error.message).toContain('it serves v0.0.38');
  });

  it('rejects a daemon with no supported version', async () => {
    daemon.reply('GET /openapi/v3', openapiListing(['v0.0.36', 'v0.0.37']));

    const error = await rejectionOf(connect().ping('ci-alice'), SlurmApiError);

    expect(error.failure).toBe('unsupported-version');
    expect(error.message).toContain('serves v0.0.36, v0.0.37');
  });

  it('rejects an unsupported pinned version at creation', () => {
    expect(() => connect({ apiVersion: 'v0.0.39' })).toThrow(/apiVersion v0.0.39 of cluster hpc is not supported/);
  });

  it('tries again after a failed discovery', async () => {
    const slurm = connect();
    await rejectionOf(slurm.ping('ci-alice'), SlurmApiError);

    serveVersion('v0.0.38');

    await expect(slurm.ping('ci-alice')).resolves.toBeUndefined();
  });
});

describe('requests', () => {
  it('sends the user name and a token for that user', async () => {
    serveVersion('v0.0.38');

    await connect().ping('ci-bob');
    const headers = daemon.requests[0]?.headers ?? {};
    const { payload } = await jwtVerify(String(headers['x-slurm-user-token']), new Uint8Array(key));

    expect(headers['x-slurm-user-name']).toBe('ci-bob');
    expect(payload.sun).toBe('ci-bob');
  });

  it('reuses one connection for successive requests', async () => {
    serveVersion('v0.0.38');
    const slurm = connect();

    await slurm.ping('ci-alice');
    await slurm.ping('ci-bob');

    expect(daemon.requests).toHaveLength(4);
    expect(daemon.connections()).toBe(1);
  });

  it('sends the v0.0.38 submit body', async () => {
    serveVersion('v0.0.38');
    daemon.reply('POST /slurm/v0.0.38/job/submit', fixture('v0.0.38-submit'));

    const result = await connect().submit('ci-alice', job);
    const submit = daemon.requests.find((request) => request.path === '/slurm/v0.0.38/job/submit');

    expect(result).toEqual({ jobId: 1, warnings: [] });
    expect(submit?.headers['content-type']).toBe('application/json');
    expect(submit?.body).toMatchObject({
      script: job.script,
      job: { environment: job.environment, memory_per_node: 2048, time_limit: 30, gres: 'gpu:1', cpus_per_task: 2 },
    });
  });

  it('accepts a 22.05 submit whose errors come with a job id', async () => {
    serveVersion('v0.0.38');
    daemon.reply('POST /slurm/v0.0.38/job/submit', fixture('v0.0.38-submit-pending-error'));

    const result = await connect().submit('ci-alice', job);

    expect(result.jobId).toBe(148);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]?.description).toMatch(/partition configuration not available/);
  });

  it('rejects a 200 submit reply with errors and no job id', async () => {
    serveVersion('v0.0.38');
    const failed = fixture('v0.0.38-submit-pending-error');
    const body = { ...(failed.body as Record<string, unknown>), job_id: null };
    daemon.reply('POST /slurm/v0.0.38/job/submit', { status: 200, body });

    const error = await rejectionOf(connect().submit('ci-alice', job), SlurmApiError);

    expect(error.message).toMatch(/partition configuration not available/);
  });

  it('sends the v0.0.42 submit body', async () => {
    serveVersion('v0.0.42');
    daemon.reply('POST /slurm/v0.0.42/job/submit', fixture('v0.0.42-submit-warning'));

    await connect().submit('ci-alice', job);
    const submit = daemon.requests.find((request) => request.path === '/slurm/v0.0.42/job/submit');

    expect(submit?.body).toMatchObject({
      job: {
        script: job.script,
        environment: ['PATH=/usr/bin:/bin', 'RUNNER_ID=r1'],
        memory_per_node: { set: true, infinite: false, number: 2048 },
        time_limit: { set: true, infinite: false, number: 30 },
        tres_per_node: 'gres/gpu:1',
      },
    });
  });

  it('returns and reports submit warnings', async () => {
    serveVersion('v0.0.42');
    daemon.reply('POST /slurm/v0.0.42/job/submit', fixture('v0.0.42-submit-warning'));
    const reported: string[] = [];

    const result = await connect({}, { onWarning: (event) => reported.push(event.warning.description) }).submit('ci-alice', job);

    expect(result.warnings).toEqual([
      { source: '#/job/bogus_field/', description: 'Ignoring unknown field "bogus_field" of type 64 bit integer in DATA_PARSER_JOB_DESC_MSG' },
    ]);
    expect(reported).toHaveLength(1);
  });

  it('reports each request with its status', async () => {
    serveVersion('v0.0.38');
    daemon.reply('GET /slurm/v0.0.38/job/999', fixture('v0.0.38-job-not-found'));
    const events: Array<{ operation: string; status?: number }> = [];

    await connect({}, { onRequest: ({ operation, status }) => events.push({ operation, status }) }).getJob('ci-alice', 999);

    expect(events).toEqual([
      { operation: 'version', status: 200 },
      { operation: 'version', status: 200 },
      { operation: 'getJob', status: 500 },
    ]);
  });

  it('rejects root before any request', async () => {
    serveVersion('v0.0.38');

    const error = await rejectionOf(connect().submit('root', job), SlurmTokenError);

    expect(error.failure).toBe('user-rejected');
    expect(daemon.requests).toHaveLength(0);
  });

  it('rejects the SlurmUser before any request', async () => {
    serveVersion('v0.0.38');

    const error = await rejectionOf(connect({}, { allowedUsers: () => true }).cancel('slurm', 5), SlurmTokenError);

    expect(error.message).toContain('SlurmUser');
    expect(daemon.requests).toHaveLength(0);
  });
});

describe('jobs', () => {
  it('returns undefined for an unknown job', async () => {
    serveVersion('v0.0.42');
    daemon.reply('GET /slurm/v0.0.42/job/999', fixture('v0.0.42-job-not-found'));

    expect(await connect().getJob('ci-alice', 999)).toBeUndefined();
  });

  it('returns undefined for an unknown job on v0.0.45', async () => {
    serveVersion('v0.0.45');
    daemon.reply('GET /slurm/v0.0.45/job/999999', fixture('v0.0.45-job-not-found'));

    expect(await connect().getJob('ci-alice', 999_999)).toBeUndefined();
  });

  it('normalises a job reply', async () => {
    serveVersion('v0.0.38');
    daemon.reply('GET /slurm/v0.0.38/job/1', fixture('v0.0.38-job-failed'));

    const found = await connect().getJob('ci-alice', 1);

    expect(found).toMatchObject({ jobId: 1, state: 'FAILED', exitCode: 3, userName: 'ci-alice', comment: 'c1' });
  });

  it('lists nothing for a 304 reply', async () => {
    serveVersion('v0.0.38');
    daemon.reply('GET /slurm/v0.0.38/jobs', { status: 304 });

    const since = new Date(Date.now() - 60_000);
    const jobs = await connect().listJobs('ci-alice', since);

    expect(jobs).toEqual([]);
    expect(daemon.requests.at(-1)?.query.get('update_time')).toBe(String(Math.floor(since.getTime() / 1000)));
  });

  it('lists nothing for an unchanged v0.0.42 list without reporting the warning', async () => {
    serveVersion('v0.0.42');
    daemon.reply('GET /slurm/v0.0.42/jobs/', fixture('v0.0.42-jobs-unchanged'));
    const reported: string[] = [];

    const jobs = await connect({}, { onWarning: (event) => reported.push(event.warning.description) }).listJobs(
      'ci-alice',
      new Date(Date.now() - 5000),
    );

    expect(jobs).toEqual([]);
    expect(reported).toEqual([]);
    expect(daemon.requests.at(-1)?.query.get('update_time')).toMatch(/^now-\d+seconds$/);
  });
});

describe('cancel', () => {
  it('accepts a job that already ended', async () => {
    serveVersion('v0.0.42');
    daemon.reply('GET /slurm/v0.0.42/job/1', fixture('v0.0.42-job-failed'));
    daemon.reply('DELETE /slurm/v0.0.42/job/1', fixture('v0.0.42-cancel-already-done'));

    await expect(connect().cancel('ci-alice', 1)).resolves.toBeUndefined();
  });

  it('accepts a job that already ended on v0.0.45', async () => {
    serveVersion('v0.0.45');
    daemon.reply('GET /slurm/v0.0.45/job/29', fixture('v0.0.45-job-failed'));
    daemon.reply('DELETE /slurm/v0.0.45/job/29', fixture('v0.0.45-cancel-already-done'));

    await expect(connect().cancel('ci-alice', 29)).resolves.toBeUndefined();
  });

  it('rejects a cancel whose status lists another error', async () => {
    serveVersion('v0.0.45');
    const reply = fixture('v0.0.45-cancel-already-done') as { status: number; body: { status: Array<{ error: Record<string, unknown> }> } };
    reply.body.status[0]!.error = { string: 'Access/permission denied', code: 2002, message: 'Access/permission denied' };
    daemon.reply('GET /slurm/v0.0.45/job/29', fixture('v0.0.45-job-failed'));
    daemon.reply('DELETE /slurm/v0.0.45/job/29', reply);

    const error = await rejectionOf(connect().cancel('ci-alice', 29), SlurmApiError);

    expect(error.status).toBe(200);
    expect(error.errorNumber).toBe(2002);
    expect(error.message).toContain('Access/permission denied');
  });

  it('rejects a non-owner cancel before sending it', async () => {
    serveVersion('v0.0.45');
    daemon.reply('GET /slurm/v0.0.45/job/29', fixture('v0.0.45-job-failed'));

    const error = await rejectionOf(connect().cancel('ci-bob', 29), SlurmApiError);

    expect(error.failure).toBe('rejected');
    expect(error.message).toContain('the job belongs to ci-alice');
    expect(daemon.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
  });

  it('accepts a job slurmctld no longer knows', async () => {
    serveVersion('v0.0.38');
    daemon.reply('DELETE /slurm/v0.0.38/job/999', fixture('v0.0.38-cancel-unknown'));

    await expect(connect().cancel('ci-alice', 999)).resolves.toBeUndefined();
  });

  it('carries Slurm message for another user job', async () => {
    serveVersion('v0.0.38');
    daemon.reply('DELETE /slurm/v0.0.38/job/2', fixture('v0.0.38-cancel-denied'));

    const error = await rejectionOf(connect().cancel('ci-bob', 2), SlurmApiError);

    expect(error.failure).toBe('rejected');
    expect(error.errorNumber).toBe(2002);
    expect(error.user).toBe('ci-bob');
    expect(error.message).toContain('Access/permission denied');
  });

  it('sends a signal by its bare name', async () => {
    serveVersion('v0.0.42');
    daemon.reply('GET /slurm/v0.0.42/job/7', fixture('v0.0.42-job-not-found'));
    daemon.reply('DELETE /slurm/v0.0.42/job/7', { status: 200, body: { status: [], errors: [], warnings: [] } });

    await connect().cancel('ci-alice', 7, 'SIGTERM');

    expect(daemon.requests.at(-1)?.query.get('signal')).toBe('TERM');
  });

  it('rejects an unknown signal before any request', async () => {
    await expect(connect().cancel('ci-alice', 7, 'SIGFOO')).rejects.toThrow(/Unknown signal "SIGFOO"/);
    expect(daemon.requests).toHaveLength(0);
  });
});

describe('errors', () => {
  it('names the partition problem', async () => {
    serveVersion('v0.0.38');
    daemon.reply('POST /slurm/v0.0.38/job/submit', fixture('v0.0.38-submit-invalid-partition'));

    const error = await rejectionOf(connect().submit('ci-alice', job), SlurmApiError);

    expect(error.status).toBe(500);
    expect(error.errorNumber).toBe(2000);
    expect(error.message).toBe('Slurm rejected submit on cluster hpc as ci-alice (HTTP 500): Invalid partition name specified (Slurm error 2000).');
  });

  it('explains a 401 as a rejected token', async () => {
    daemon.reply('GET /openapi/v3', { status: 401, text: 'Authentication failure' });

    const error = await rejectionOf(connect().ping('ci-alice'), SlurmApiError);

    expect(error.failure).toBe('auth');
    expect(error.message).toContain('rejected the token');
    expect(error.message).toContain(keyFile);
    expect(error.message).toContain('clock');
    expect(error.message).toContain('user ci-alice exists');
  });

  it('explains the 22.05 token failure', async () => {
    serveVersion('v0.0.38');
    daemon.reply('POST /slurm/v0.0.38/job/submit', fixture('v0.0.38-submit-rejected-token'));

    const error = await rejectionOf(connect().submit('ci-alice', job), SlurmApiError);

    expect(error.failure).toBe('auth');
    expect(error.message).toContain('most likely rejected the token');
  });

  it('treats errors in a 200 reply as failure', async () => {
    serveVersion('v0.0.42');
    daemon.reply('GET /slurm/v0.0.42/partitions/', {
      status: 200,
      body: { partitions: [], errors: [{ error_number: 2000, error: 'Invalid partition name specified' }], warnings: [] },
    });

    const error = await rejectionOf(connect().listPartitions('ci-alice'), SlurmApiError);

    expect(error.status).toBe(200);
    expect(error.errorNumber).toBe(2000);
  });

  it('names the URL of a daemon that does not answer in time', async () => {
    daemon.reply('GET /openapi/v3', { ...openapiListing(['v0.0.38']), delayMs: 1000 });

    const error = await rejectionOf(connect({ requestTimeoutMs: 100 }).ping('ci-alice'), SlurmApiError);

    expect(error.failure).toBe('timeout');
    expect(error.message).toContain(`${daemon.url}/openapi/v3`);
    expect(error.message).toContain('within 100 ms');
    expect(error.transient).toBe(true);
  });

  it('names the URL of a daemon that is not there', async () => {
    const url = daemon.url;
    await daemon.close();
    daemon = await startFakeSlurmrestd();

    const error = await rejectionOf(connect({ url }).ping('ci-alice'), SlurmApiError);

    expect(error.failure).toBe('unreachable');
    expect(error.message).toContain(`Cannot reach slurmrestd of cluster hpc at ${url}/openapi/v3`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('rejects an operation reply that is not JSON', async () => {
    serveVersion('v0.0.38');
    daemon.reply('GET /slurm/v0.0.38/partitions', { status: 200, text: '<html>proxy login</html>' });

    const error = await rejectionOf(connect().listPartitions('ci-alice'), SlurmApiError);

    expect(error.failure).toBe('invalid-reply');
    expect(error.message).toContain(`${daemon.url}/slurm/v0.0.38/partitions`);
  });

  it('rejects a reply that is not JSON', async () => {
    daemon.reply('GET /openapi/v3', { status: 200, text: '<html>proxy login</html>' });

    const error = await rejectionOf(connect().ping('ci-alice'), SlurmApiError);

    expect(error.failure).toBe('invalid-reply');
    expect(error.message).toContain('not a JSON object');
  });
});
