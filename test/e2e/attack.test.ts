import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedWorkflowJob } from '../helpers/github.js';
import { requiredClusters } from '../helpers/clusters.js';
import { startHarness, webhookSecret, type Harness } from './service-harness.js';
import { waitFor } from './support.js';

// Throws when a required cluster is not running, so the file fails instead of skipping.
const clusters = requiredClusters();
// Random per run, because slurmctld still lists the jobs of earlier runs for MinJobAge.
let nextJobId = 2_000_000_000 + Math.floor(Math.random() * 100_000_000);

/** Returns a workflow job id that no other test in this file uses. */
function newJobId(): number {
  nextJobId += 1;
  return nextJobId;
}

describe.each(clusters.map((cluster) => [cluster.version, cluster] as const))('hostile input on Slurm %s', (_version, cluster) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(cluster);
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('runs a repository named with shell metacharacters', async () => {
    const workflowJobId = newJobId();
    const repository = 'octo-org/x$(id)`id`;"\'|&<>ü';

    const queued = await harness.deliver('queued', { workflowJobId, repository, labels: ['self-hosted', 'linux'] });
    const runner = await harness.runnerFor(workflowJobId, 'configured');
    const job = await harness.slurm.getJob(harness.cluster.users[0]!, runner.slurmJobId!);

    expect(queued.status).toBe(202);
    expect(runner.repository).toBe(repository);
    expect(job!.name).toMatch(/^[\w.-]+$/);
    expect(job!.comment).not.toMatch(/[$`;"'|&<>]/);
    const received = await waitFor('the runner stand-in to record its configuration', () => harness.runnerDir.received(runner.slurmJobId!));
    expect(received.length).toBeGreaterThan(0);
  });

  it('submits one Slurm job for concurrent identical deliveries', async () => {
    const workflowJobId = newJobId();
    const delivery = await signedWorkflowJob('queued', webhookSecret, { repository: 'octo-org/app', workflowJobId, labels: ['self-hosted', 'linux'] });
    const post = async () => {
      const response = await fetch(`${harness.service.urls.webhook}/github/webhooks`, { method: 'POST', headers: delivery.headers, body: delivery.body });
      await response.text();
      return response.status;
    };

    const statuses = await Promise.all([post(), post(), post()]);
    await harness.runnerFor(workflowJobId, 'configured');
    await harness.service.reconcileNow();

    expect(statuses.sort()).toEqual([200, 200, 202]);
    expect(harness.service.store.listRunners({ requestedFor: workflowJobId })).toHaveLength(1);
    const jobs = await harness.slurm.listJobs(harness.cluster.users[0]!);
    expect(jobs.filter((job) => job.name === `gha-octo-org-app-${workflowJobId}`)).toHaveLength(1);
  });
});
