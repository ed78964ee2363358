import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createGitHubRunners, GitHubError, type GitHubRequestEvent, type RetryClock } from '../../../src/github/index.js';
import { createAppKey, createFakeGitHub, fakeGitHubUrl, type FakeGitHub } from '../../helpers/github.js';

const privateKey = createAppKey();
const appId = 4242;
let fake: FakeGitHub;
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

beforeEach(() => {
  fake = createFakeGitHub({ appId, privateKey });
  server.resetHandlers(...fake.handlers);
});

afterEach(() => server.resetHandlers());

/** A clock whose sleeps return at once and are recorded. */
function fakeClock(nowMs = Date.parse('2026-01-01T00:00:00Z')): RetryClock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => nowMs,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}

function client(options: Parameters<typeof createGitHubRunners>[1] = {}, scope: 'repository' | 'organization' = 'repository') {
  return createGitHubRunners(
    { appId, privateKey, webhookSecret: 'unused', apiUrl: fakeGitHubUrl, runnerGroupId: 3, runnerScope: scope },
    { clock: fakeClock(), ...options },
  );
}

const jitRequest = { installationId: 77, repository: 'octo-org/app', runnerName: 'slurm-hpc-42', labels: ['slurm', 'cpu'] };

describe('createJitConfig', () => {
  it('sends name, group, labels and work folder', async () => {
    const config = await client().createJitConfig(jitRequest);

    const [request] = fake.requestsOf('generateJitConfig');
    expect(request?.path).toBe('/repos/octo-org/app/actions/runners/generate-jitconfig');
    expect(request?.body).toEqual({ name: 'slurm-hpc-42', runner_group_id: 3, labels: ['self-hosted', 'slurm', 'cpu'], work_folder: '_work' });
    expect(config.runnerId).toBe(1000);
    expect(config.encodedJitConfig).not.toBe('');
    expect(fake.state.issuedTokens).toBe(1);
  });

  it('registers at the organisation for organisation scope', async () => {
    await client({}, 'organization').createJitConfig(jitRequest);

    expect(fake.requestsOf('generateJitConfig')[0]?.path).toBe('/orgs/octo-org/actions/runners/generate-jitconfig');
    expect([...fake.state.runners.values()][0]?.target).toBe('orgs/octo-org');
  });

  it('removes a stale runner after a 409 and retries once', async () => {
    const github = client();
    const first = await github.createJitConfig(jitRequest);

    const second = await github.createJitConfig(jitRequest);

    expect(second.runnerId).not.toBe(first.runnerId);
    expect(fake.state.runners.has(first.runnerId)).toBe(false);
    expect(fake.state.requests.map((request) => request.operation)).toEqual([
      'getInstallationToken',
      'generateJitConfig',
      'generateJitConfig',
      'listRunners',
      'deleteRunner',
      'generateJitConfig',
    ]);
  });

  it('fails when the name conflict persists', async () => {
    fake.failNext({ operation: 'generateJitConfig', status: 409, message: 'Already exists', times: 2 });

    const error = await client().createJitConfig(jitRequest).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(GitHubError);
    expect((error as GitHubError).status).toBe(409);
    expect(fake.requestsOf('generateJitConfig')).toHaveLength(2);
  });

  it('retries a 5xx and then succeeds', async () => {
    const clock = fakeClock();
    fake.failNext({ operation: 'generateJitConfig', status: 502, times: 2 });

    const config = await client({ clock }).createJitConfig(jitRequest);

    expect(config.runnerId).toBe(1000);
    expect(fake.requestsOf('generateJitConfig')).toHaveLength(3);
    expect(clock.sleeps).toEqual([750, 1500]);
  });

  it('waits for retry-after on a 429', async () => {
    const clock = fakeClock();
    fake.failNext({ operation: 'generateJitConfig', status: 429, headers: { 'retry-after': '7' } });

    await client({ clock }).createJitConfig(jitRequest);

    expect(clock.sleeps).toEqual([7000]);
  });

  it('waits for the rate-limit reset on a 403', async () => {
    const clock = fakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const reset = String(Date.parse('2026-01-01T00:00:20Z') / 1000);
    fake.failNext({
      operation: 'generateJitConfig',
      status: 403,
      message: 'API rate limit exceeded',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
    });

    await client({ clock }).createJitConfig(jitRequest);

    expect(clock.sleeps).toEqual([21_000]);
  });

  it('fails at once when the rate-limit wait exceeds the budget', async () => {
    const clock = fakeClock();
    fake.failNext({ operation: 'generateJitConfig', status: 429, headers: { 'retry-after': '3600' } });

    const error = await client({ clock }).createJitConfig(jitRequest).catch((thrown: unknown) => thrown);

    expect((error as Error).message).toMatch(/next retry would wait 3600 s, beyond the retry budget/);
    expect(clock.sleeps).toEqual([]);
  });

  it('fails at once on a 403 without rate-limit headers', async () => {
    fake.failNext({ operation: 'generateJitConfig', status: 403, message: 'Resource not accessible by integration' });

    const error = await client().createJitConfig(jitRequest).catch((thrown: unknown) => thrown);

    expect((error as Error).message).toBe(
      'GitHub generateJitConfig for octo-org/app failed with status 403: Resource not accessible by integration; grant the App the Administration (repository runners) or Self-hosted runners (organisation runners) permission, and that github.runnerGroupId names a runner group that the App may use',
    );
    expect(fake.requestsOf('generateJitConfig')).toHaveLength(1);
  });

  it('fails clearly on a 404', async () => {
    fake.failNext({ operation: 'generateJitConfig', status: 404, message: 'Not Found' });

    await expect(client().createJitConfig(jitRequest)).rejects.toThrow(
      'GitHub generateJitConfig for octo-org/app failed with status 404: Not Found; check that the App is installed on this repository or organisation, and that github.runnerGroupId names a runner group that the App may use',
    );
  });

  it('gives up after the maximum attempts', async () => {
    fake.failNext({ operation: 'generateJitConfig', status: 500, times: 10 });

    await expect(client({ retry: { maxAttempts: 3 } }).createJitConfig(jitRequest)).rejects.toThrow(/status 500: injected 500 \(after 3 attempts\)/);
    expect(fake.requestsOf('generateJitConfig')).toHaveLength(3);
  });

  it('retries a failed installation token request', async () => {
    fake.failNext({ operation: 'getInstallationToken', status: 503 });

    await client().createJitConfig(jitRequest);

    expect(fake.requestsOf('getInstallationToken')).toHaveLength(2);
  });
});

describe('request timeout', () => {
  it('aborts a request that hangs', async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const events: GitHubRequestEvent[] = [];

    const github = client({ fetch: hanging, requestTimeoutMs: 50, retry: { maxAttempts: 2 }, onRequest: (event) => events.push(event) });

    await expect(github.verifyCredentials()).rejects.toThrow(/^GitHub getApp got no response: .*\(after 2 attempts\)/);
    expect(events).toEqual([{ operation: 'getApp' }, { operation: 'getApp' }]);
  });
});

describe('runner removal and lookup', () => {
  it('treats a missing runner as removed', async () => {
    await expect(client().deleteRunner({ installationId: 77, repository: 'octo-org/app', runnerId: 999 })).resolves.toBeUndefined();
    expect(fake.requestsOf('deleteRunner')).toHaveLength(1);
  });

  it('finds a runner by exact name', async () => {
    const github = client();
    const { runnerId } = await github.createJitConfig(jitRequest);

    const found = await github.findRunnerByName({ installationId: 77, repository: 'octo-org/app', runnerName: 'slurm-hpc-42' });
    const missing = await github.findRunnerByName({ installationId: 77, repository: 'octo-org/app', runnerName: 'slurm-hpc-4' });

    expect(found).toEqual({ id: runnerId, name: 'slurm-hpc-42', status: 'offline', busy: false });
    expect(missing).toBeUndefined();
  });
});

describe('paging', () => {
  it('finds a runner on a later page without the name filter', async () => {
    fake.state.ignoreRunnerNameFilter = true;
    for (let index = 0; index < 150; index += 1) {
      fake.state.runners.set(index + 1, { id: index + 1, name: `other-${index}`, labels: ['self-hosted'], runnerGroupId: 1, target: 'repos/octo-org/app', status: 'online', busy: false });
    }
    fake.state.runners.set(500, { id: 500, name: 'slurm-hpc-42', labels: ['self-hosted'], runnerGroupId: 1, target: 'repos/octo-org/app', status: 'offline', busy: false });

    const found = await client().findRunnerByName({ installationId: 77, repository: 'octo-org/app', runnerName: 'slurm-hpc-42' });

    expect(found?.id).toBe(500);
    expect(fake.requestsOf('listRunners').map((request) => request.path)).toEqual(['/repos/octo-org/app/actions/runners', '/repos/octo-org/app/actions/runners']);
  });

  it('lists installations across pages', async () => {
    fake.state.installations = Array.from({ length: 130 }, (_, index) => ({ id: index + 1, account: `org-${index}` }));

    const identity = await client().verifyCredentials();

    expect(identity.installations).toHaveLength(130);
    expect(identity.installations.at(-1)).toEqual({ id: 130, account: 'org-129', targetType: 'Organization' });
  });
});

describe('getWorkflowJob', () => {
  it('returns the status of a job', async () => {
    fake.state.workflowJobs.set(5, { status: 'completed', conclusion: 'success', runnerName: 'slurm-hpc-42' });

    const job = await client().getWorkflowJob({ installationId: 77, repository: 'octo-org/app', workflowJobId: 5 });

    expect(job).toEqual({ status: 'completed', conclusion: 'success', runnerName: 'slurm-hpc-42' });
  });

  it('returns undefined for an unknown job', async () => {
    await expect(client().getWorkflowJob({ installationId: 77, repository: 'octo-org/app', workflowJobId: 6 })).resolves.toBeUndefined();
  });
});

describe('verifyCredentials', () => {
  it('reads the App and its installations', async () => {
    fake.state.installations = [{ id: 77, account: 'octo-org' }];

    const identity = await client().verifyCredentials();

    expect(identity).toEqual({ slug: 'gha-slurm-test', name: 'gha-slurm test', installations: [{ id: 77, account: 'octo-org', targetType: 'Organization' }] });
  });

  it('rejects a key that GitHub does not know', async () => {
    const other = createGitHubRunners(
      { appId, privateKey: createAppKey(), webhookSecret: 'unused', apiUrl: fakeGitHubUrl, runnerGroupId: 1, runnerScope: 'repository' },
      { clock: fakeClock() },
    );

    await expect(other.verifyCredentials()).rejects.toThrow(/GitHub getApp failed with status 401: .*check github.appId and github.privateKey/);
  });
});

describe('hooks', () => {
  it('reports every request and the remaining rate limit', async () => {
    const events: GitHubRequestEvent[] = [];
    const remaining: number[] = [];
    fake.state.rateLimitRemaining = 1234;
    fake.failNext({ operation: 'generateJitConfig', status: 502 });

    await client({ onRequest: (event) => events.push(event), onRateLimit: (value) => remaining.push(value) }).createJitConfig(jitRequest);

    expect(events).toEqual([
      { operation: 'getInstallationToken', status: 201 },
      { operation: 'generateJitConfig', status: 502 },
      { operation: 'generateJitConfig', status: 201 },
    ]);
    expect(remaining).toEqual([1234, 1234, 1234]);
  });
});
