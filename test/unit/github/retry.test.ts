import { describe, expect, it } from 'vitest';

import { defaultRetryPolicy, retryDelay, type RetryClock } from '../../../src/github/index.js';

const clock: RetryClock = { now: () => 1_000_000, random: () => 0, sleep: async () => undefined };

describe('retryDelay', () => {
  it('backs off exponentially on 5xx and network failures', () => {
    expect(retryDelay({ status: 500, headers: {}, detail: '' }, 1, defaultRetryPolicy, clock)).toBe(500);
    expect(retryDelay({ status: 503, headers: {}, detail: '' }, 2, defaultRetryPolicy, clock)).toBe(1000);
    expect(retryDelay({ headers: {}, detail: 'fetch failed' }, 3, defaultRetryPolicy, clock)).toBe(2000);
  });

  it('caps the backoff', () => {
    expect(retryDelay({ status: 500, headers: {}, detail: '' }, 20, defaultRetryPolicy, clock)).toBe(15_000);
  });

  it('does not retry other client errors', () => {
    for (const status of [400, 401, 404, 409, 422]) {
      expect(retryDelay({ status, headers: {}, detail: '' }, 1, defaultRetryPolicy, clock)).toBeUndefined();
    }
  });

  it('waits a minute after a secondary rate limit without headers', () => {
    const failure = { status: 403, headers: {}, detail: 'You have exceeded a secondary rate limit' };

    expect(retryDelay(failure, 1, defaultRetryPolicy, clock)).toBe(60_000);
  });

  it('does not wait for a reset in the past', () => {
    const failure = { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '10' }, detail: '' };

    expect(retryDelay(failure, 1, defaultRetryPolicy, clock)).toBe(0);
  });
});
