import { describe, expect, it } from 'vitest';
import type { JobDescription } from '../../../src/slurm/types.js';
import { jobEvent, pool, testConfig, testContext } from './fixtures.js';

// `plain` matches a `[linux]` job more closely, but the repository may only use `big`.
const config = testConfig({
  pools: [pool({ name: 'plain', labels: ['linux'] }), pool({ name: 'big', labels: ['linux', 'big'] })],
  access: [{ pattern: 'octo-org/*', clusterUser: 'alice', pools: ['big'] }],
});

describe('dispatcher pool lock', () => {
  it('serialises queued jobs sharing a pool', async () => {
    const { dispatcher, slurm, store } = testContext(config);
    const submit = slurm.submit.bind(slurm);
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    slurm.submit = async (user: string, job: JobDescription) => {
      await gate;
      return submit(user, job);
    };

    const first = dispatcher.handleEvent(jobEvent('queued', 1, { labels: ['self-hosted', 'linux'] }));
    const second = dispatcher.handleEvent(jobEvent('queued', 2, { labels: ['self-hosted', 'linux', 'big'] }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    open();
    await Promise.all([first, second]);

    const runners = store.listRunners({ pool: 'big' });
    expect(runners.map((runner) => runner.state)).toEqual(['submitted', 'submitted']);
    expect(slurm.submissions).toHaveLength(2);
    expect(new Set(slurm.submissions.map((submission) => submission.job.comment)).size).toBe(2);
  });
});
