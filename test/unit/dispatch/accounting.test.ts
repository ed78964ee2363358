import { describe, expect, it } from 'vitest';
import { signLaunchToken } from '../../../src/dispatch/launch-token.js';
import type { RunnerState } from '../../../src/dispatch/types.js';
import { jobEvent, pool, testConfig, testContext } from './fixtures.js';

type Harness = ReturnType<typeof testContext>;

function statesOf(harness: Harness): RunnerState[] {
  return harness.store.listRunners({}).map((runner) => runner.state);
}

/** Plays the Slurm job of `runnerId` calling back, as the batch script would. */
async function callBack(harness: Harness, runnerId: string) {
  const runner = harness.store.getRunner(runnerId)!;
  const token = await signLaunchToken(
    { secret: harness.context.config.runner.launchTokenSecret, lifetimeSeconds: 3600 },
    runnerId,
    harness.context.now(),
  );
  return harness.dispatcher.jitConfig(token, runner.slurmJobId!);
}

describe('queued', () => {
  it('submits one Slurm job as the mapped user', async () => {
    const harness = testContext();

    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    expect(harness.slurm.submissions).toHaveLength(1);
    expect(harness.slurm.submissions[0]!.user).toBe('alice');
    expect(harness.slurm.submissions[0]!.job.partition).toBe('debug');
    const [runner] = harness.store.listRunners({});
    expect(runner).toMatchObject({ state: 'submitted', slurmJobId: 100, requestedFor: 1, attempts: 1 });
    expect(harness.observer.counts.get('submitted:linux')).toBe(1);
  });

  it('submits nothing for unknown labels', async () => {
    const harness = testContext();

    await harness.dispatcher.handleEvent(jobEvent('queued', 1, { labels: ['self-hosted', 'windows'] }));

    expect(harness.slurm.submissions).toHaveLength(0);
    expect(harness.store.getWorkflowJob(1)).toBeUndefined();
    expect(harness.observer.counts.get('unmatched:no-pool')).toBe(1);
  });

  it('submits nothing for an unmapped repository', async () => {
    const harness = testContext();

    await harness.dispatcher.handleEvent(jobEvent('queued', 1, { repository: 'stranger/app' }));

    expect(harness.slurm.submissions).toHaveLength(0);
    expect(harness.observer.counts.get('unmatched:unmapped-repository')).toBe(1);
  });

  it('submits once for a repeated queued event', async () => {
    const harness = testContext();

    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    expect(harness.slurm.submissions).toHaveLength(1);
  });

  it('waits for a free slot at maxRunners', async () => {
    const harness = testContext(testConfig({ pools: [pool({ name: 'linux', labels: ['linux'], maxRunners: 1 })] }));

    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await harness.dispatcher.handleEvent(jobEvent('queued', 2));
    expect(harness.slurm.submissions).toHaveLength(1);

    await callBack(harness, 'runner-1');
    await harness.dispatcher.handleEvent(jobEvent('in_progress', 1, { runnerName: 'gha-alpha-100', startedAt: new Date() }));
    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { runnerName: 'gha-alpha-100', conclusion: 'success' }));

    expect(harness.slurm.submissions).toHaveLength(2);
    expect(harness.store.getRunner('runner-2')!.requestedFor).toBe(2);
  });
});

describe('in_progress and completed', () => {
  it('marks the runner busy then done and records latency', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await callBack(harness, 'runner-1');

    await harness.dispatcher.handleEvent(jobEvent('in_progress', 1, { runnerName: 'gha-alpha-100', startedAt: new Date('2026-01-01T00:00:30Z') }));
    expect(harness.store.getRunner('runner-1')!.state).toBe('busy');
    expect(harness.store.getWorkflowJob(1)!.state).toBe('in_progress');
    expect(harness.observer.counts.get('queueLatency:linux')).toBe(1);

    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { runnerName: 'gha-alpha-100', conclusion: 'success' }));
    expect(harness.store.getRunner('runner-1')!.state).toBe('done');
    expect(harness.store.getWorkflowJob(1)!.state).toBe('completed');
    expect(harness.slurm.cancels).toEqual([]);
  });

  it('cancels the Slurm job of a job cancelled before start', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { conclusion: 'cancelled' }));

    expect(harness.slurm.cancels).toEqual([100]);
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'cancelled', endReason: 'workflow-job-cancelled' });
    expect(harness.observer.counts.get('cancelled:workflow-job-cancelled')).toBe(1);
  });

  it('cancels its own runner first among several', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await harness.dispatcher.handleEvent(jobEvent('queued', 2));
    await harness.dispatcher.handleEvent(jobEvent('queued', 3));

    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { conclusion: 'cancelled' }));

    expect(harness.slurm.cancels).toEqual([100]);
    expect(statesOf(harness)).toEqual(['cancelled', 'submitted', 'submitted']);
  });

  it('removes an idle runner when every runner has started', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await callBack(harness, 'runner-1');

    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { conclusion: 'cancelled' }));

    expect(harness.github.deleted).toEqual([1001]);
    expect(harness.slurm.cancels).toEqual([100]);
    expect(harness.store.getRunner('runner-1')!.state).toBe('cancelled');
  });

  it('keeps an idle runner that GitHub refuses to remove', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await callBack(harness, 'runner-1');
    harness.github.deleteError = new Error('runner is busy');

    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { conclusion: 'cancelled' }));

    expect(harness.slurm.cancels).toEqual([]);
    expect(harness.store.getRunner('runner-1')!.state).toBe('configured');
  });

  it('keeps accounting right when a runner takes another job', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await harness.dispatcher.handleEvent(jobEvent('queued', 2));
    await callBack(harness, 'runner-1');

    await harness.dispatcher.handleEvent(jobEvent('in_progress', 2, { runnerName: 'gha-alpha-100', startedAt: new Date() }));

    expect(harness.slurm.cancels).toEqual([]);
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'busy', requestedFor: 1, workflowJobId: 2 });
    const second = await callBack(harness, 'runner-2');
    expect(second.status).toBe(200);

    await harness.dispatcher.handleEvent(jobEvent('in_progress', 1, { runnerName: 'gha-alpha-101', startedAt: new Date() }));
    await harness.dispatcher.handleEvent(jobEvent('completed', 2, { runnerName: 'gha-alpha-100', conclusion: 'success' }));
    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { runnerName: 'gha-alpha-101', conclusion: 'success' }));

    expect(statesOf(harness)).toEqual(['done', 'done']);
    expect(harness.slurm.submissions).toHaveLength(2);
    expect(harness.slurm.cancels).toEqual([]);
  });

  it('cancels a surplus runner when a foreign runner takes the job', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    await harness.dispatcher.handleEvent(jobEvent('in_progress', 1, { runnerName: 'someone-elses-runner', startedAt: new Date() }));

    expect(harness.slurm.cancels).toEqual([100]);
    expect(harness.store.getRunner('runner-1')!.endReason).toBe('taken-elsewhere');
  });

  it('ignores events of jobs it never saw', async () => {
    const harness = testContext();

    const labels = ['self-hosted', 'windows'];
    await harness.dispatcher.handleEvent(jobEvent('in_progress', 5, { runnerName: 'someone-elses-runner', labels }));
    await harness.dispatcher.handleEvent(jobEvent('completed', 5, { runnerName: 'someone-elses-runner', labels }));

    expect(harness.store.getWorkflowJob(5)).toBeUndefined();
    expect(harness.slurm.cancels).toEqual([]);
  });
});

describe('callback', () => {
  it('returns a JIT configuration with the pool labels', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    const result = await callBack(harness, 'runner-1');

    expect(result).toEqual({ status: 200, runnerName: 'gha-alpha-100', encodedJitConfig: 'jit-gha-alpha-100' });
    expect(harness.github.created).toEqual([{ runnerName: 'gha-alpha-100', labels: ['linux'], repository: 'octo-org/app' }]);
    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'configured', githubRunnerId: 1001 });
  });

  it('rejects a token used twice', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    await callBack(harness, 'runner-1');
    const second = await callBack(harness, 'runner-1');

    expect(second.status).toBe(409);
    expect(harness.github.created).toHaveLength(1);
  });

  it('rejects two concurrent uses but one', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    const results = await Promise.all([callBack(harness, 'runner-1'), callBack(harness, 'runner-1')]);

    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    expect(harness.github.created).toHaveLength(1);
  });

  it('rejects a token of another Slurm job', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    const token = await signLaunchToken({ secret: harness.context.config.runner.launchTokenSecret, lifetimeSeconds: 60 }, 'runner-1', harness.context.now());

    const result = await harness.dispatcher.jitConfig(token, 555);

    expect(result.status).toBe(403);
  });

  it('rejects an invalid token', async () => {
    const harness = testContext();

    const result = await harness.dispatcher.jitConfig('forged', 100);

    expect(result.status).toBe(401);
    expect(harness.observer.counts.get('callback:invalid-token')).toBe(1);
  });

  it('rejects and cancels a runner no longer needed', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await harness.dispatcher.handleEvent(jobEvent('in_progress', 1, { runnerName: 'gha-alpha-999', startedAt: new Date() }));

    const result = await callBack(harness, 'runner-1');

    expect(result.status).toBe(410);
    expect(harness.github.created).toHaveLength(0);
  });

  it('rejects a surplus runner with 410 and cancels it', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await callBack(harness, 'runner-1');
    harness.store.insertRunner({
      ...harness.store.getRunner('runner-1')!,
      id: 'stray',
      state: 'submitted',
      slurmJobId: 555,
      runnerName: undefined,
      githubRunnerId: undefined,
    });

    const result = await callBack(harness, 'stray');

    expect(result.status).toBe(410);
    expect(harness.store.getRunner('stray')).toMatchObject({ state: 'cancelled', endReason: 'not-needed' });
    expect(harness.slurm.cancels).toEqual([555]);
    expect(harness.github.created).toHaveLength(1);
  });

  it('keeps the token usable after a GitHub failure', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    harness.github.createError = new Error('GitHub 502');

    const failed = await callBack(harness, 'runner-1');
    harness.github.createError = undefined;
    const retried = await callBack(harness, 'runner-1');

    expect(failed.status).toBe(502);
    expect(retried.status).toBe(200);
  });
});
