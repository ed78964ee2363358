import { describe, expect, it } from 'vitest';
import { signLaunchToken } from '../../../src/dispatch/launch-token.js';
import { SlurmApiError } from '../../../src/slurm/errors.js';
import { jobEvent, testContext } from './fixtures.js';

function timeout(): SlurmApiError {
  return new SlurmApiError('slurmrestd sent no reply within 1000 ms', { failure: 'timeout', cluster: 'alpha', operation: 'submit' });
}

/** Creates a harness whose first submission reaches slurmctld but loses its reply, with the retry due. */
async function lostReply() {
  const harness = testContext();
  harness.slurm.lostReplyError = timeout();
  await harness.dispatcher.handleEvent(jobEvent('queued', 1));
  harness.slurm.lostReplyError = undefined;
  harness.advance(11);
  return harness;
}

describe('a submission whose reply was lost', () => {
  it('records the attempt before the request leaves', async () => {
    const harness = testContext();
    const attemptsAtSubmit: number[] = [];
    const submit = harness.slurm.submit.bind(harness.slurm);
    harness.slurm.submit = async (user, job) => {
      attemptsAtSubmit.push(harness.store.getRunner('runner-1')!.attempts);
      return submit(user, job);
    };

    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    expect(attemptsAtSubmit).toEqual([1]);
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'submitted', attempts: 1 });
  });

  it('leaves the runner requested', async () => {
    const harness = await lostReply();

    expect(harness.slurm.submissions).toHaveLength(1);
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'requested', attempts: 1 });
    expect(harness.store.getRunner('runner-1')!.slurmJobId).toBeUndefined();
  });

  it('adopts the pending job', async () => {
    const harness = await lostReply();

    await harness.dispatcher.reconcile();
    await harness.dispatcher.reconcile();

    expect(harness.slurm.submissions).toHaveLength(1);
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'submitted', slurmJobId: 100, attempts: 1 });
    expect(harness.store.listRunners({})).toHaveLength(1);
    expect(harness.observer.counts.get('submitted:linux')).toBe(1);
  });

  it('configures the adopted job on callback', async () => {
    const harness = await lostReply();
    await harness.dispatcher.reconcile();

    const token = await signLaunchToken({ secret: harness.context.config.runner.launchTokenSecret, lifetimeSeconds: 60 }, 'runner-1', harness.context.now());
    const reply = await harness.dispatcher.jitConfig(token, 100);

    expect(reply.status).toBe(200);
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'configured', slurmJobId: 100 });
  });

  it('rejects a callback from another job', async () => {
    const harness = await lostReply();
    await harness.dispatcher.reconcile();

    const token = await signLaunchToken({ secret: harness.context.config.runner.launchTokenSecret, lifetimeSeconds: 60 }, 'runner-1', harness.context.now());
    const reply = await harness.dispatcher.jitConfig(token, 999);

    expect(reply.status).toBe(403);
  });

  it('counts an ended job as a failed attempt', async () => {
    const harness = await lostReply();
    harness.slurm.setState(100, 'NODE_FAIL');

    await harness.dispatcher.reconcile();
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'failed', slurmJobId: 100, endReason: 'slurm-node_fail' });
    expect(harness.slurm.submissions).toHaveLength(1);

    harness.advance(60);
    await harness.dispatcher.reconcile();
    expect(harness.store.getRunner('runner-2')).toMatchObject({ state: 'submitted', slurmJobId: 101, attempts: 1 });
    expect(harness.slurm.submissions).toHaveLength(2);
  });

  it('submits again when no job matches', async () => {
    const harness = testContext();
    harness.slurm.submitError = timeout();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    harness.slurm.submitError = undefined;
    harness.advance(11);

    await harness.dispatcher.reconcile();

    expect(harness.slurm.submissions).toHaveLength(1);
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'submitted', slurmJobId: 100, attempts: 2 });
  });

  it('ignores jobs of other runners', async () => {
    const harness = testContext();
    harness.slurm.submitError = timeout();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    harness.slurm.submitError = undefined;
    harness.slurm.jobs.set(50, { jobId: 50, name: 'gha-octo-org-app-1', userName: 'alice', state: 'PENDING', stateFlags: [], comment: 'gha-slurm runner=runner-10' });
    harness.slurm.jobs.set(51, { jobId: 51, name: 'gha-octo-org-app-1', userName: 'alice', state: 'PENDING', stateFlags: [], comment: 'mine runner=runner-1' });
    harness.slurm.jobs.set(52, { jobId: 52, name: 'other', userName: 'alice', state: 'PENDING', stateFlags: [], comment: 'gha-slurm runner=runner-1' });
    harness.slurm.jobs.set(53, { jobId: 53, name: 'gha-octo-org-app-1', userName: 'mallory', state: 'PENDING', stateFlags: [], comment: 'gha-slurm runner=runner-1' });
    harness.advance(11);

    await harness.dispatcher.reconcile();

    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'submitted', slurmJobId: 100 });
  });

  it('adopts the oldest of two jobs', async () => {
    const harness = testContext();
    harness.slurm.lostReplyError = timeout();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    harness.advance(11);
    harness.slurm.listError = timeout();
    await harness.dispatcher.reconcile();
    harness.slurm.listError = undefined;
    // Two jobs for one runner can only come from a second submission, made here by hand.
    const first = harness.slurm.jobs.get(100)!;
    harness.slurm.jobs.set(101, { ...first, jobId: 101 });
    harness.slurm.lostReplyError = undefined;
    harness.advance(60);

    await harness.dispatcher.reconcile();

    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'submitted', slurmJobId: 100 });
    expect(harness.slurm.cancels).toEqual([101]);
  });

  it('counts a failed listing as an attempt', async () => {
    const harness = await lostReply();
    harness.slurm.listError = timeout();

    await harness.dispatcher.reconcile();

    expect(harness.slurm.submissions).toHaveLength(1);
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'requested', attempts: 2 });
    expect(harness.store.getRunner('runner-1')!.lastError).toMatch(/^listing slurm jobs before a resubmission failed: slurmrestd sent no reply/);
  });

  it('fails the runner after failed listings', async () => {
    const harness = await lostReply();
    harness.slurm.listError = timeout();

    for (let round = 0; round < 4; round += 1) {
      await harness.dispatcher.reconcile();
      harness.advance(120);
    }

    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'failed', endReason: 'submit-failed', attempts: 3 });
    expect(harness.slurm.submissions).toHaveLength(1);
  });
});
