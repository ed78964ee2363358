import { describe, expect, it } from 'vitest';
import { signLaunchToken } from '../../../src/dispatch/launch-token.js';
import { jobEvent, testContext } from '../dispatch/fixtures.js';

type Harness = ReturnType<typeof testContext>;

async function callBack(harness: Harness, runnerId: string) {
  const runner = harness.store.getRunner(runnerId)!;
  const settings = { secret: harness.context.config.runner.launchTokenSecret, lifetimeSeconds: 3600 };
  const token = await signLaunchToken(settings, runnerId, harness.context.now());
  return harness.dispatcher.jitConfig(token, runner.slurmJobId!);
}

/** Lists Slurm jobs of cancelled runners that Slurm never got a cancel for. A done runner's job ends by itself. */
function uncancelledOrphans(harness: Harness): number[] {
  return harness.store
    .listRunners({ states: ['cancelled'] })
    .map((runner) => runner.slurmJobId)
    .filter((id): id is number => id !== undefined && !harness.slurm.cancels.includes(id));
}

describe('event orderings GitHub produces', () => {
  it('keeps in_progress when queued arrives late', async () => {
    const harness = testContext();

    await harness.dispatcher.handleEvent(jobEvent('in_progress', 1, { runnerName: 'hosted-1', startedAt: new Date() }));
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    expect(harness.store.getWorkflowJob(1)?.state).toBe('in_progress');
    expect(harness.slurm.submissions).toHaveLength(0);
  });

  it('submits nothing when queued arrives after completed', async () => {
    const harness = testContext();

    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { conclusion: 'cancelled' }));
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    expect(harness.store.getWorkflowJob(1)?.state).toBe('completed');
    expect(harness.slurm.submissions).toHaveLength(0);
  });

  it('keeps completed when in_progress arrives late', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await callBack(harness, 'runner-1');
    const runnerName = harness.store.getRunner('runner-1')!.runnerName!;

    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { runnerName, conclusion: 'success' }));
    await harness.dispatcher.handleEvent(jobEvent('in_progress', 1, { runnerName, startedAt: new Date() }));

    expect(harness.store.getWorkflowJob(1)?.state).toBe('completed');
    expect(harness.store.getRunner('runner-1')?.state).toBe('done');
    expect(uncancelledOrphans(harness)).toEqual([]);
  });

  it('submits once for two queued deliveries of one job', async () => {
    const harness = testContext();

    await Promise.all([harness.dispatcher.handleEvent(jobEvent('queued', 1)), harness.dispatcher.handleEvent(jobEvent('queued', 1))]);

    expect(harness.slurm.submissions).toHaveLength(1);
  });

  it('cancels nothing twice when completed arrives twice', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));

    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { conclusion: 'cancelled' }));
    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { conclusion: 'cancelled' }));

    expect(harness.slurm.cancels).toEqual([100]);
  });

  it('removes a configured runner whose job was cancelled', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    const reply = await callBack(harness, 'runner-1');

    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { conclusion: 'cancelled' }));

    expect(reply.status).toBe(200);
    expect(harness.store.getRunner('runner-1')?.state).toBe('cancelled');
    expect(harness.slurm.cancels).toEqual([100]);
  });

  it('rejects the callback of a cancelled job', async () => {
    const harness = testContext();
    await harness.dispatcher.handleEvent(jobEvent('queued', 1));
    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { conclusion: 'cancelled' }));

    const reply = await callBack(harness, 'runner-1');

    expect(reply.status).toBe(410);
    expect(harness.github.created).toHaveLength(0);
  });

  it('leaves no Slurm job uncancelled after a burst', async () => {
    const harness = testContext();
    for (const id of [1, 2, 3]) {
      await harness.dispatcher.handleEvent(jobEvent('queued', id));
    }
    await callBack(harness, 'runner-2');
    const runnerName = harness.store.getRunner('runner-2')!.runnerName!;

    await harness.dispatcher.handleEvent(jobEvent('in_progress', 3, { runnerName, startedAt: new Date() }));
    await harness.dispatcher.handleEvent(jobEvent('completed', 1, { conclusion: 'cancelled' }));
    await harness.dispatcher.handleEvent(jobEvent('completed', 2, { conclusion: 'cancelled' }));
    await harness.dispatcher.handleEvent(jobEvent('completed', 3, { runnerName, conclusion: 'success' }));

    const live = harness.store.listRunners({ states: ['requested', 'submitted', 'configured'] });
    expect(live).toEqual([]);
    expect(uncancelledOrphans(harness)).toEqual([]);
  });
});
