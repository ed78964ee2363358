/** A real HTTP service on port 0 over the dispatch fakes, for tests that attack its routes. */
import { request } from 'node:http';
import { Registry } from 'prom-client';
import type { Config } from '../../../src/config/types.js';
import { createDispatcher } from '../../../src/dispatch/dispatcher.js';
import { parseWorkflowJobEvent } from '../../../src/github/payloads.js';
import { startHttp, type HttpListeners } from '../../../src/http/server.js';
import { silentLogger } from '../../../src/log.js';
import { testConfig, testContext } from '../dispatch/fixtures.js';

/** The webhook secret the service under attack checks. */
export const webhookSecret = 'webhook-secret';

/** The service, its fakes and its listeners. */
export interface AttackTarget {
  config: Config;
  harness: ReturnType<typeof testContext>;
  dispatcher: ReturnType<typeof createDispatcher>;
  listeners: HttpListeners;
  url: string;
}

/** Starts the routes over the fakes, with a body limit of `bodyLimitBytes`. */
export async function startTarget(bodyLimitBytes = 65536): Promise<AttackTarget> {
  const config = testConfig({ access: [{ pattern: '*', clusterUser: 'alice' }] });
  const harness = testContext(config);
  const dispatcher = createDispatcher(harness.context, (body, deliveryId) => parseWorkflowJobEvent(deliveryId, body));
  const listeners = await startHttp({
    server: { ...config.server, bodyLimitBytes },
    logger: silentLogger(),
    webhook: { secret: webhookSecret, store: harness.store, observer: harness.observer, process: dispatcher.processDelivery },
    callback: { jitConfig: dispatcher.jitConfig },
    registry: new Registry(),
    readiness: () => [],
  });
  return { config, harness, dispatcher, listeners, url: listeners.urls.webhook };
}

/** A raw reply: the status, or the socket error when no reply came. */
export interface RawReply {
  status?: number;
  body: string;
  error?: string;
}

/**
 * Sends a request with `node:http`, so that the test controls framing: `chunks`
 * are written one by one, and without a content-length the body goes chunked.
 */
export function rawPost(url: string, path: string, headers: Record<string, string>, chunks: Buffer[]): Promise<RawReply> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', (error) => resolve({ status: res.statusCode, body: '', error: error.message }));
    });
    req.on('error', (error) => resolve({ body: '', error: error.message }));
    for (const chunk of chunks) {
      req.write(chunk);
    }
    req.end();
  });
}

/** Waits until the store shows no unprocessed delivery, or fails after 2 seconds. */
export async function processed(target: AttackTarget): Promise<void> {
  for (let round = 0; round < 100; round += 1) {
    if (target.harness.store.unprocessedDeliveries().length === 0) {
      await target.dispatcher.idle();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('deliveries still unprocessed after 2 seconds');
}
