import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../src/dispatch/dispatcher.js';
import type { WorkflowJobEvent } from '../../../src/dispatch/types.js';
import { FakeSlurm, pool, testConfig, testContext } from './fixtures.js';

class PingRecorder extends FakeSlurm {
  readonly pingUsers: string[] = [];

  override async ping(user?: string): Promise<void> {
    this.pingUsers.push(user ?? '(none)');
  }
}

describe('reconcile cluster ping', () => {
  it('pings as a user whose rule reaches the cluster', async () => {
    const base = testConfig();
    const config = testConfig({
      clusters: [base.clusters[0]!, { ...base.clusters[0]!, name: 'beta' }],
      pools: [pool({ name: 'cpu', cluster: 'alpha' }), pool({ name: 'gpu', cluster: 'beta', labels: ['gpu'] })],
      access: [
        { pattern: 'chem/*', clusterUser: 'alice', pools: ['cpu'] },
        { pattern: 'phys/*', clusterUser: 'bob', pools: ['gpu'] },
      ],
    });
    const { context } = testContext(config);
    const alpha = new PingRecorder('alpha');
    const beta = new PingRecorder('beta');
    const dispatcher = createDispatcher({ ...context, slurm: new Map([['alpha', alpha], ['beta', beta]]) }, (body) => body as WorkflowJobEvent);

    await dispatcher.reconcile();

    expect(alpha.pingUsers).toEqual(['alice']);
    expect(beta.pingUsers).toEqual(['bob']);
  });

  it('pings an unused cluster as the first user', async () => {
    const base = testConfig();
    const config = testConfig({
      clusters: [base.clusters[0]!, { ...base.clusters[0]!, name: 'beta' }],
      pools: [pool({ name: 'cpu', cluster: 'alpha' })],
      access: [{ pattern: 'chem/*', clusterUser: 'alice' }],
    });
    const { context } = testContext(config);
    const alpha = new PingRecorder('alpha');
    const beta = new PingRecorder('beta');
    const dispatcher = createDispatcher({ ...context, slurm: new Map([['alpha', alpha], ['beta', beta]]) }, (body) => body as WorkflowJobEvent);

    await dispatcher.reconcile();

    expect(alpha.pingUsers).toEqual(['alice']);
    expect(beta.pingUsers).toEqual(['alice']);
  });
});
