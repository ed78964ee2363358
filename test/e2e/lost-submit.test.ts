import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredClusters } from '../helpers/clusters.js';
import { startHarness, type Harness } from './service-harness.js';
import { waitFor } from './support.js';

// Throws when a required cluster is not running, so the file fails instead of skipping.
const clusters = requiredClusters();
// Random per run, because slurmctld still lists the jobs of earlier runs for MinJobAge (300 s by default).
let nextJobId = 2_000_000_000 + Math.floor(Math.random() * 100_000_000);

/** Seconds that the first job waits before it may start, so that reconcile retries before its callback. */
const heldSeconds = 20;

/**
 * Creates a fetch to slurmrestd that drops the reply of the first job submission
 * after slurmrestd has accepted it, as a broken connection would. That job gets
 * a begin time `heldSeconds` ahead, so it is still pending when reconcile retries.
 */
function losingFirstSubmitReply(): { fetch: (request: Request) => Promise<Response>; acceptedJobId: () => number | undefined } {
  let dropped = false;
  let acceptedJobId: number | undefined;
  const fetchDroppingOnce = async (request: Request): Promise<Response> => {
    if (dropped || request.method !== 'POST' || !request.url.endsWith('/job/submit')) {
      return fetch(request);
    }
    dropped = true;
    const response = await fetch(await heldBack(request));
    const reply = (await response.json()) as { job_id?: number };
    acceptedJobId = reply.job_id;
    throw new TypeError('fetch failed: connection reset after slurmrestd accepted the job');
  };
  return { fetch: fetchDroppingOnce, acceptedJobId: () => acceptedJobId };
}

/** Returns the submit request with a begin time `heldSeconds` ahead, in the form of its API version. */
async function heldBack(request: Request): Promise<Request> {
  const body = (await request.json()) as { job: Record<string, unknown> };
  const beginTime = Math.floor(Date.now() / 1000) + heldSeconds;
  // v0.0.38 parses begin_time as the text of sbatch's --begin and rejects a number with "Unable to parse time".
  body.job.begin_time = request.url.includes('/v0.0.38/') ? `now+${heldSeconds}` : { set: true, number: beginTime };
  const headers = new Headers(request.headers);
  headers.delete('content-length');
  return new Request(request.url, { method: 'POST', headers, body: JSON.stringify(body) });
}

describe.each(clusters.map((cluster) => [cluster.version, cluster] as const))('lost submit reply on Slurm %s', (_version, cluster) => {
  let harness: Harness;
  const transport = losingFirstSubmitReply();

  beforeAll(async () => {
    harness = await startHarness(cluster, { slurmFetch: transport.fetch });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('keeps one Slurm job for the runner', async () => {
    nextJobId += 1;
    const workflowJobId = nextJobId;
    const user = harness.cluster.users[0]!;

    await harness.deliver('queued', { workflowJobId, labels: ['self-hosted', 'linux'] });
    const configured = await harness.runnerFor(workflowJobId, 'configured');
    expect(transport.acceptedJobId()).toBeDefined();
    expect(configured.slurmJobId).toBe(transport.acceptedJobId());

    // Waits two more reconcile passes, in which a second submission would happen.
    await new Promise((resolve) => setTimeout(resolve, 2 * harness.config.reconcileIntervalSeconds * 1000 + 1000));
    const jobs = await waitFor('the Slurm job list', async () => {
      const listed = await harness.slurm.listJobs(user);
      return listed.filter((job) => (job.comment ?? '').split(/\s+/).includes(`runner=${configured.id}`));
    });

    expect(jobs.map((job) => job.jobId)).toEqual([configured.slurmJobId]);
    expect(harness.service.store.listRunners({ requestedFor: workflowJobId })).toHaveLength(1);
  });
});
