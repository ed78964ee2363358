import { describe, expect, it } from 'vitest';
import { signLaunchToken } from '../../../src/dispatch/launch-token.js';
import { jobEvent, pool, testConfig, testContext } from './fixtures.js';

describe('reconcile', () => {
  it('resubmits after a Slurm job failed, with backoff', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    harness.slurm.setState(100, 'NODE_FAIL');

    await harness.dispatcher.reconcile();
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'failed', endReason: 'slurm-node_fail' });
    expect(harness.store.getRunner('runner-2')).toMatchObject({ state: 'requested', requestedFor: 1 });
    expect(harness.slurm.submissions).toHaveLength(1);

    harness.advance(11);
    await harness.dispatcher.reconcile();
    expect(harness.slurm.submissions).toHaveLength(2);
    expect(harness.store.getRunner('runner-2')!.state).toBe('submitted');
  });

  it('stops resubmitting after maxAttempts', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    for (let round = 0; round < 6; round += 1) {
      for (const submission of harness.slurm.submissions) {
        harness.slurm.setState(submission.jobId, 'FAILED');
      }
      harness.advance(120);
      await harness.dispatcher.reconcile();
    }

    expect(harness.slurm.submissions).toHaveLength(3);
    expect(harness.store.listRunners({ states: ['failed'] })).toHaveLength(3);
  });

  it('treats a job cancelled by someone else as failed', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    harness.slurm.setState(100, 'CANCELLED');

    await harness.dispatcher.reconcile();

    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'failed', endReason: 'slurm-cancelled' });
  });

  it('retries a rejected submission after backoff', async () => {
    const harness = testContext();
    harness.slurm.submitError = Object.assign(new Error('slurmctld unreachable'), { status: 502 });

    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'requested', attempts: 1, lastError: 'slurmctld unreachable' });
    expect(harness.observer.counts.get('submitFailed:linux')).toBe(1);

    harness.slurm.submitError = undefined;
    await harness.dispatcher.reconcile();
    expect(harness.slurm.submissions).toHaveLength(0);

    harness.advance(11);
    await harness.dispatcher.reconcile();
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'submitted', attempts: 2 });
  });

  it('submits a runner left in requested by a crash', async () => {
    const harness = testContext();
    harness.store.upsertWorkflowJob({
      workflowJobId: 1,
      runId: 7,
      repository: 'octo-org/app',
      installationId: 42,
      labels: ['linux'],
      pool: 'linux',
      state: 'queued',
      createdAt: new Date(),
    });
    harness.store.insertRunner({
      id: 'crashed',
      pool: 'linux',
      cluster: 'alpha',
      clusterUser: 'alice',
      repository: 'octo-org/app',
      installationId: 42,
      requestedFor: 1,
      state: 'requested',
      attempts: 0,
      createdAt: new Date(),
    });

    await harness.dispatcher.reconcile();

    expect(harness.slurm.submissions).toHaveLength(1);
    expect(harness.store.getRunner('crashed')!.state).toBe('submitted');
    expect(harness.store.listRunners({})).toHaveLength(1);
  });

  it('removes a runner idle past the timeout', async () => {
    const harness = testContext(testConfig({ pools: [pool({ name: 'linux', labels: ['linux'], idleTimeoutSeconds: 60 })] }));
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    const token = await signLaunchToken({ secret: harness.context.config.runner.launchTokenSecret, lifetimeSeconds: 60 }, 'runner-1', harness.context.now());
    await harness.dispatcher.jitConfig(token, 100);
    harness.slurm.setState(100, 'RUNNING');

    await harness.dispatcher.reconcile();
    expect(harness.store.getRunner('runner-1')!.state).toBe('configured');

    harness.advance(61);
    await harness.dispatcher.reconcile();
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'cancelled', endReason: 'idle-timeout' });
    expect(harness.github.deleted).toEqual([1001]);
    expect(harness.slurm.cancels).toEqual([100]);
  });

  it('waits for webhooks after an idle runner exits', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    const token = await signLaunchToken({ secret: harness.context.config.runner.launchTokenSecret, lifetimeSeconds: 60 }, 'runner-1', harness.context.now());
    await harness.dispatcher.jitConfig(token, 100);
    Object.assign(harness.slurm.jobs.get(100)!, { state: 'COMPLETED', exitCode: 0, endTime: harness.context.now() });

    await harness.dispatcher.reconcile();
    expect(harness.store.getRunner('runner-1')!.state).toBe('configured');

    harness.advance(61);
    await harness.dispatcher.reconcile();
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'done', endReason: 'slurm-completed-without-webhook' });
  });

  it('fails an idle runner whose job exited non-zero', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    const token = await signLaunchToken({ secret: harness.context.config.runner.launchTokenSecret, lifetimeSeconds: 60 }, 'runner-1', harness.context.now());
    await harness.dispatcher.jitConfig(token, 100);
    Object.assign(harness.slurm.jobs.get(100)!, { state: 'FAILED', exitCode: 1, endTime: harness.context.now() });

    harness.advance(61);
    await harness.dispatcher.reconcile();

    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'failed', endReason: 'slurm-failed' });
    expect(harness.github.deleted).toEqual([1001]);
    expect(harness.store.getRunner('runner-2')!.requestedFor).toBe(1);
  });

  it('cancels again a Slurm job still running behind a cancelled runner', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    harness.store.transitionRunner('runner-1', ['submitted'], { state: 'cancelled', endedAt: harness.context.now() });

    await harness.dispatcher.reconcile();

    expect(harness.slurm.cancels).toEqual([100]);
  });

  it('processes a delivery recorded before a crash', async () => {
    const harness = testContext();
    const event = jobEvent('queued', 1);
    harness.store.recordDelivery({ deliveryId: event.deliveryId, event: 'workflow_job', action: 'queued', receivedAt: new Date(), body: JSON.stringify(event) });

    await harness.dispatcher.reconcile();

    expect(harness.slurm.submissions).toHaveLength(1);
    expect(harness.store.unprocessedDeliveries()).toEqual([]);
  });

  it('changes nothing when run twice', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await harness.dispatcher.handleEvent(jobEvent('queued', 2));

    await Promise.all([harness.dispatcher.reconcile(), harness.dispatcher.reconcile()]);

    expect(harness.slurm.submissions).toHaveLength(2);
    expect(harness.slurm.cancels).toEqual([]);
  });

  it('records each cluster that answered', async () => {
    const harness = testContext();

    await harness.dispatcher.reconcile();

    expect(harness.dispatcher.health.stale(harness.context.now(), 60)).toEqual([]);
  });
});
