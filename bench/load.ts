/**
 * A bounded load generator for the webhook route: signed `workflow_job`
 * deliveries sent over keep-alive connections on loopback, with per-request latency.
 */
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { Pool } from 'undici';
import { workflowJobPayload } from '../test/helpers/github.js';

/** The outcome of one load run. */
export interface LoadResult {
  requests: number;
  /** Requests whose response had the expected status. */
  ok: number;
  /** Status codes other than the expected one, with their counts. */
  unexpected: Record<number, number>;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Whether the run stopped at its time limit before sending every request. */
  timedOut: boolean;
}

/** One delivery to send: the id and the exact body. */
export interface Delivery {
  deliveryId: string;
  body: string;
}

/**
 * Builds delivery number `index`, with a new delivery id: the queued example payload of
 * `@octokit/webhooks-examples` with its own workflow job id and `labels`.
 */
export function queuedDelivery(index: number, labels: string[]): Delivery {
  const payload = workflowJobPayload('queued', { workflowJobId: 1_000_000 + index, labels, repository: 'octo-org/app' });
  return { deliveryId: randomUUID(), body: JSON.stringify(payload) };
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

/**
 * Sends `count` deliveries from `next(i)` with `concurrency` requests in flight,
 * and stops early after `maxSeconds`. Each body is built and signed in this
 * process outside the latency timer but inside the run, so the rate includes
 * that client cost and is a lower bound for the service alone.
 */
export async function runLoad(options: {
  url: string;
  secret: string;
  count: number;
  concurrency: number;
  maxSeconds: number;
  expectedStatus: number;
  next: (index: number) => Delivery;
}): Promise<LoadResult> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, { connections: options.concurrency, pipelining: 1 });
  const latencies = new Float64Array(options.count);
  const unexpected: Record<number, number> = {};
  const deadline = performance.now() + options.maxSeconds * 1000;
  let nextIndex = 0;
  let sent = 0;
  let ok = 0;

  const worker = async (): Promise<void> => {
    while (nextIndex < options.count && performance.now() < deadline) {
      const index = nextIndex++;
      const delivery = options.next(index);
      const signature = await sign(options.secret, delivery.body);
      const started = performance.now();
      const response = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'workflow_job',
          'x-github-delivery': delivery.deliveryId,
          'x-hub-signature-256': signature,
        },
        body: delivery.body,
      });
      await response.body.dump();
      latencies[sent++] = performance.now() - started;
      if (response.statusCode === options.expectedStatus) {
        ok += 1;
      } else {
        unexpected[response.statusCode] = (unexpected[response.statusCode] ?? 0) + 1;
      }
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();

  const sorted = latencies.subarray(0, sent).sort();
  return {
    requests: sent,
    ok,
    unexpected,
    seconds,
    perSecond: sent / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    timedOut: sent < options.count,
  };
}
