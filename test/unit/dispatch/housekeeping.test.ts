import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import type { Store } from '../../../src/store/types.js';
import { testConfig, testContext } from './fixtures.js';

const dayMs = 24 * 60 * 60 * 1000;

/** Records a processed delivery received `ageDays` before `now`. */
function processedDelivery(store: Store, deliveryId: string, now: Date, ageDays: number): void {
  store.recordDelivery({ deliveryId, event: 'workflow_job', action: 'queued', receivedAt: new Date(now.getTime() - ageDays * dayMs), body: '{}' });
  store.markDeliveryProcessed(deliveryId);
}

function isStored(store: Store, deliveryId: string): boolean {
  return store.recordDelivery({ deliveryId, event: 'workflow_job', receivedAt: new Date(0), body: '{}' }) === 'duplicate';
}

/** Builds a test context whose logger writes its JSON lines into `lines`. */
function loggedContext(retentionDays?: number) {
  const config = testConfig();
  config.store = retentionDays === undefined ? { path: ':memory:' } : { path: ':memory:', retentionDays };
  const harness = testContext(config);
  const lines: Record<string, unknown>[] = [];
  harness.context.logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { ...harness, lines };
}

describe('store housekeeping', () => {
  it('prunes rows older than retentionDays on reconcile', async () => {
    const harness = loggedContext(3);
    const now = harness.context.now();
    processedDelivery(harness.store, 'four-days', now, 4);
    processedDelivery(harness.store, 'two-days', now, 2);

    await harness.dispatcher.reconcile();

    expect(isStored(harness.store, 'four-days')).toBe(false);
    expect(isStored(harness.store, 'two-days')).toBe(true);
    const pruned = harness.lines.find((line) => line.msg === 'store pruned');
    expect(pruned).toMatchObject({ deliveries: 1, workflowJobs: 0, runners: 0, retentionDays: 3 });
    expect(pruned?.before).toBe(new Date(now.getTime() - 3 * dayMs).toISOString());
  });

  it('keeps 14 days when retentionDays is unset', async () => {
    const harness = loggedContext();
    const now = harness.context.now();
    processedDelivery(harness.store, 'fifteen-days', now, 15);
    processedDelivery(harness.store, 'thirteen-days', now, 13);

    await harness.dispatcher.reconcile();

    expect(isStored(harness.store, 'fifteen-days')).toBe(false);
    expect(isStored(harness.store, 'thirteen-days')).toBe(true);
  });

  it('prunes again only after an hour', async () => {
    const harness = loggedContext(1);
    const prunes = () => harness.lines.filter((line) => line.msg === 'store pruned').length;

    await harness.dispatcher.reconcile();
    expect(prunes()).toBe(1);

    processedDelivery(harness.store, 'two-days', harness.context.now(), 2);
    harness.advance(59 * 60);
    await harness.dispatcher.reconcile();
    expect(prunes()).toBe(1);
    expect(isStored(harness.store, 'two-days')).toBe(true);

    harness.advance(60);
    await harness.dispatcher.reconcile();
    expect(prunes()).toBe(2);
    expect(isStored(harness.store, 'two-days')).toBe(false);
  });

  it('logs a failed prune and finishes the pass', async () => {
    const harness = loggedContext(1);
    harness.store.prune = () => {
      throw new Error('database is locked');
    };

    await expect(harness.dispatcher.reconcile()).resolves.toBeUndefined();

    const failure = harness.lines.find((line) => line.msg === 'store prune failed; next attempt in an hour');
    expect(failure).toMatchObject({ level: 50, retentionDays: 1 });
    expect(failure?.err).toMatchObject({ message: 'database is locked' });
  });
});
