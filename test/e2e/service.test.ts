import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLaunchToken } from '../../src/dispatch/launch-token.js';
import { signedWorkflowJob } from '../helpers/github.js';
import { repository, startHarness, webhookSecret, type Harness } from './service-harness.js';
import { requiredClusters } from '../helpers/clusters.js';
import { waitFor } from './support.js';

// Throws when a required cluster is not running, so the file fails instead of skipping.
const clusters = requiredClusters();
// Random per run, because slurmctld still lists the jobs of earlier runs for MinJobAge (300 s by default).
let nextJobId = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);

/** Returns a workflow job id that no other test in this file uses. */
function newJobId(): number {
  nextJobId += 1;
  return nextJobId;
}

describe.each(clusters.map((cluster) => [cluster.version, cluster] as const))('service on Slurm %s', (_version, cluster) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(cluster);
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('runs a queued job through to completion', async () => {
    const workflowJobId = newJobId();
    const user = harness.cluster.users[0]!;

    const queued = await harness.deliver('queued', { workflowJobId, labels: ['self-hosted', 'linux'] });
    expect(queued.status).toBe(202);

    const submitted = await harness.runnerFor(workflowJobId, 'configured');
    const job = await harness.slurm.getJob(user, submitted.slurmJobId!);
    expect(job).toMatchObject({ userName: user, partition: 'debug', timeLimitMinutes: 5 });
    expect(job!.name).toBe(`gha-octo-org-app-${workflowJobId}`);
    expect(job!.comment).toContain(`repo=${repository}`);

    const jitRequests = harness.github.requestsOf('generateJitConfig');
    expect(jitRequests.at(-1)!.body).toMatchObject({ name: submitted.runnerName, labels: expect.arrayContaining(['linux']) });
    const received = await waitFor('the runner stand-in to record its configuration', () => harness.runnerDir.received(submitted.slurmJobId!));
    expect(received.length).toBeGreaterThan(0);
    expect(harness.runnerDir.argumentsOf(submitted.slurmJobId!)).toBe('');

    const startedAt = new Date().toISOString();
    await harness.deliver('in_progress', { workflowJobId, labels: ['self-hosted', 'linux'], runnerName: submitted.runnerName!, startedAt });
    await harness.runnerFor(workflowJobId, 'busy');
    await harness.deliver('completed', { workflowJobId, labels: ['self-hosted', 'linux'], runnerName: submitted.runnerName!, conclusion: 'success' });
    await harness.runnerFor(workflowJobId, 'done');

    const finished = await waitFor('the Slurm job to complete', async () => {
      const current = await harness.slurm.getJob(user, submitted.slurmJobId!);
      return current?.state === 'COMPLETED' ? current : undefined;
    });
    expect(finished.exitCode ?? 0).toBe(0);
    expect(harness.service.store.getWorkflowJob(workflowJobId)!.state).toBe('completed');
  });

  it('cancels the Slurm job of a job cancelled before start', async () => {
    const workflowJobId = newJobId();
    const user = harness.cluster.users[0]!;

    await harness.deliver('queued', { workflowJobId, labels: ['self-hosted', 'slow'] });
    const runner = await waitFor('a submitted runner', () =>
      harness.service.store.listRunners({ requestedFor: workflowJobId }).find((candidate) => candidate.slurmJobId !== undefined),
    );
    await harness.deliver('completed', { workflowJobId, labels: ['self-hosted', 'slow'], runnerName: null, conclusion: 'cancelled' });

    await harness.runnerFor(workflowJobId, 'cancelled');
    const cancelled = await waitFor('the Slurm job to be cancelled', async () => {
      const job = await harness.slurm.getJob(user, runner.slurmJobId!);
      return job?.state === 'CANCELLED' ? job : undefined;
    });
    expect(cancelled.state).toBe('CANCELLED');
  });

  it('keeps runners when one takes another job', async () => {
    const first = newJobId();
    const second = newJobId();
    await harness.deliver('queued', { workflowJobId: first, labels: ['self-hosted', 'slow'] });
    await harness.deliver('queued', { workflowJobId: second, labels: ['self-hosted', 'slow'] });
    const runnerOfFirst = await harness.runnerFor(first, 'configured');
    const runnerOfSecond = await harness.runnerFor(second, 'configured');

    await harness.deliver('in_progress', { workflowJobId: second, labels: ['self-hosted', 'slow'], runnerName: runnerOfFirst.runnerName!, startedAt: new Date().toISOString() });
    const busy = await harness.runnerFor(first, 'busy');
    expect(busy.workflowJobId).toBe(second);
    await harness.service.reconcileNow();
    expect(harness.service.store.getRunner(runnerOfSecond.id)!.state).toBe('configured');

    await harness.deliver('in_progress', { workflowJobId: first, labels: ['self-hosted', 'slow'], runnerName: runnerOfSecond.runnerName!, startedAt: new Date().toISOString() });
    await harness.runnerFor(second, 'busy');
    await harness.deliver('completed', { workflowJobId: second, labels: ['self-hosted', 'slow'], runnerName: runnerOfFirst.runnerName!, conclusion: 'success' });
    await harness.deliver('completed', { workflowJobId: first, labels: ['self-hosted', 'slow'], runnerName: runnerOfSecond.runnerName!, conclusion: 'success' });
    await harness.runnerFor(first, 'done');
    await harness.runnerFor(second, 'done');

    const runners = [...harness.service.store.listRunners({ requestedFor: first }), ...harness.service.store.listRunners({ requestedFor: second })];
    expect(runners.map((runner) => runner.state)).toEqual(['done', 'done']);
  });

  it('submits one Slurm job for the same delivery twice', async () => {
    const workflowJobId = newJobId();
    const delivery = await signedWorkflowJob('queued', webhookSecret, { repository, workflowJobId, labels: ['self-hosted', 'linux'] });
    const post = () => fetch(`${harness.service.urls.webhook}/github/webhooks`, { method: 'POST', headers: delivery.headers, body: delivery.body });

    const statuses = [(await post()).status, (await post()).status];
    await harness.runnerFor(workflowJobId, 'configured');
    await harness.service.reconcileNow();

    expect(statuses).toEqual([202, 200]);
    expect(harness.service.store.listRunners({ requestedFor: workflowJobId })).toHaveLength(1);
    const jobs = await harness.slurm.listJobs(harness.cluster.users[0]!);
    expect(jobs.filter((job) => job.name === `gha-octo-org-app-${workflowJobId}`)).toHaveLength(1);
  });

  it('rejects a bad signature and stores nothing', async () => {
    const workflowJobId = newJobId();
    const delivery = await signedWorkflowJob('queued', 'not-the-secret', { repository, workflowJobId, labels: ['self-hosted', 'linux'] });

    const response = await fetch(`${harness.service.urls.webhook}/github/webhooks`, { method: 'POST', headers: delivery.headers, body: delivery.body });

    expect(response.status).toBe(401);
    expect(harness.service.store.getWorkflowJob(workflowJobId)).toBeUndefined();
    expect(harness.service.store.unprocessedDeliveries().map((stored) => stored.deliveryId)).not.toContain(delivery.deliveryId);
  });

  it('submits nothing for an unmapped repository or unknown labels', async () => {
    const unmapped = newJobId();
    const unknownLabels = newJobId();

    await harness.deliver('queued', { workflowJobId: unmapped, repository: 'stranger/app', labels: ['self-hosted', 'linux'] });
    await harness.deliver('queued', { workflowJobId: unknownLabels, labels: ['self-hosted', 'windows'] });
    await waitFor('both deliveries to be processed', () => harness.service.store.unprocessedDeliveries().length === 0);

    expect(harness.service.store.getWorkflowJob(unmapped)).toBeUndefined();
    expect(harness.service.store.getWorkflowJob(unknownLabels)).toBeUndefined();
    expect(harness.service.store.listRunners({ requestedFor: unmapped })).toEqual([]);
    expect(harness.service.store.listRunners({ requestedFor: unknownLabels })).toEqual([]);
    const names = (await harness.slurm.listJobs(harness.cluster.users[0]!)).map((job) => job.name);
    expect(names).not.toContain(`gha-stranger-app-${unmapped}`);
    expect(names).not.toContain(`gha-octo-org-app-${unknownLabels}`);
  });

  it('refuses a launch token used twice', async () => {
    const workflowJobId = newJobId();
    await harness.deliver('queued', { workflowJobId, labels: ['self-hosted', 'slow'] });
    const runner = await harness.runnerFor(workflowJobId, 'configured');
    const token = await signLaunchToken(
      { secret: harness.config.runner.launchTokenSecret, lifetimeSeconds: 60 },
      runner.id,
      new Date(),
    );

    const response = await fetch(harness.config.runner.callbackUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/plain' },
      body: JSON.stringify({ slurmJobId: String(runner.slurmJobId) }),
    });

    expect(response.status).toBe(409);
    await harness.deliver('completed', { workflowJobId, labels: ['self-hosted', 'slow'], runnerName: null, conclusion: 'cancelled' });
    await harness.runnerFor(workflowJobId, 'cancelled');
  });

  it('resumes a recorded delivery after a restart', async () => {
    const workflowJobId = newJobId();
    const delivery = await signedWorkflowJob('queued', webhookSecret, { repository, workflowJobId, labels: ['self-hosted', 'linux'] });

    await harness.restart((store) => {
      store.recordDelivery({ deliveryId: delivery.deliveryId, event: 'workflow_job', action: 'queued', receivedAt: new Date(), body: delivery.body });
    });
    const runner = await harness.runnerFor(workflowJobId, 'configured');

    expect(runner.slurmJobId).toBeDefined();
    expect(harness.service.store.unprocessedDeliveries()).toEqual([]);
    await harness.deliver('completed', { workflowJobId, labels: ['self-hosted', 'linux'], runnerName: runner.runnerName!, conclusion: 'success' });
    await harness.runnerFor(workflowJobId, 'done');
  });

  it('retries GitHub 5xx and rate limits without losing the runner', async () => {
    const workflowJobId = newJobId();
    const before = harness.github.requestsOf('generateJitConfig').length;
    harness.github.failNext({ operation: 'generateJitConfig', status: 502, times: 2 });
    harness.github.failNext({ operation: 'generateJitConfig', status: 403, headers: { 'x-ratelimit-remaining': '0', 'retry-after': '1' } });
    harness.github.failNext({ operation: 'generateJitConfig', status: 429, headers: { 'retry-after': '1' } });

    await harness.deliver('queued', { workflowJobId, labels: ['self-hosted', 'linux'] });
    const runner = await harness.runnerFor(workflowJobId, 'configured');
    const received = await waitFor('the runner stand-in to record its configuration', () => harness.runnerDir.received(runner.slurmJobId!));

    expect(received.length).toBeGreaterThan(0);
    expect(harness.github.requestsOf('generateJitConfig').length - before).toBeGreaterThanOrEqual(5);
    await harness.deliver('completed', { workflowJobId, labels: ['self-hosted', 'linux'], runnerName: runner.runnerName!, conclusion: 'success' });
    await harness.runnerFor(workflowJobId, 'done');
  });
});
