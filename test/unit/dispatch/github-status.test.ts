import { describe, expect, it } from 'vitest';
import { signLaunchToken } from '../../../src/dispatch/launch-token.js';
import { jobEvent, pool, testConfig, testContext } from './fixtures.js';

/** Creates a harness whose only runner idled past its pool's timeout and was cancelled. */
async function afterIdleTimeout(configure: (harness: ReturnType<typeof testContext>) => void) {
  const harness = testContext(testConfig({ pools: [pool({ name: 'linux', labels: ['linux'], idleTimeoutSeconds: 60 })] }));
  configure(harness);
  await harness.dispatcher.handleEvent(jobEvent('queued', 1));
  const token = await signLaunchToken({ secret: harness.context.config.runner.launchTokenSecret, lifetimeSeconds: 60 }, 'runner-1', harness.context.now());
  await harness.dispatcher.jitConfig(token, 100);
  harness.slurm.setState(100, 'RUNNING');
  harness.advance(61);
  await harness.dispatcher.reconcile();
  return harness;
}

describe('replacing a runner of a queued job', () => {
  it('requests none when GitHub says the job finished', async () => {
    const harness = await afterIdleTimeout((h) => h.github.jobStatuses.set(1, { status: 'completed', conclusion: 'cancelled' }));

    expect(harness.store.getRunner('runner-1')).toMatchObject({ state: 'cancelled', endReason: 'idle-timeout' });
    expect(harness.store.getRunner('runner-2')).toBeUndefined();
    expect(harness.store.getWorkflowJob(1)).toMatchObject({ state: 'completed', conclusion: 'cancelled' });
    expect(harness.github.jobReads).toEqual([1]);
  });

  it('requests none when GitHub says the job started', async () => {
    const harness = await afterIdleTimeout((h) => h.github.jobStatuses.set(1, { status: 'in_progress' }));

    expect(harness.store.getRunner('runner-2')).toBeUndefined();
    expect(harness.store.getWorkflowJob(1)?.state).toBe('in_progress');
  });

  it('requests one when GitHub says the job still waits', async () => {
    const harness = await afterIdleTimeout((h) => h.github.jobStatuses.set(1, { status: 'queued' }));

    expect(harness.store.getRunner('runner-2')).toMatchObject({ requestedFor: 1 });
    expect(harness.store.getWorkflowJob(1)?.state).toBe('queued');
  });

  it('requests one when GitHub cannot be read', async () => {
    const harness = await afterIdleTimeout((h) => {
      h.github.jobReadError = new Error('GitHub getWorkflowJob got no response');
    });

    expect(harness.store.getRunner('runner-2')).toMatchObject({ requestedFor: 1 });
  });

  it('does not ask GitHub for a job that never had a runner', async () => {
    const harness = testContext();

    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    expect(harness.github.jobReads).toEqual([]);
    expect(harness.store.getRunner('runner-1')?.state).toBe('submitted');
  });
});
