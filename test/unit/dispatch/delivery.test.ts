import { describe, expect, it } from 'vitest';
import { jobEvent, testContext } from './fixtures.js';

describe('processDelivery', () => {
  it('resolves when the store cannot mark it', async () => {
    const { dispatcher, store, slurm } = testContext();
    const event = jobEvent('queued', 1);
    const body = JSON.stringify(event);
    store.recordDelivery({ deliveryId: event.deliveryId, event: 'workflow_job', action: 'queued', receivedAt: new Date(), body });
    store.markDeliveryProcessed = () => {
      throw new Error('SQLITE_BUSY: database is locked');
    };

    await expect(dispatcher.processDelivery(event.deliveryId, body)).resolves.toBeUndefined();

    expect(slurm.submissions).toHaveLength(1);
    expect(store.unprocessedDeliveries().map((delivery) => delivery.deliveryId)).toEqual([event.deliveryId]);
  });
});
