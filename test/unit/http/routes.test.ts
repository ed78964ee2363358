import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signLaunchToken } from '../../../src/dispatch/launch-token.js';
import { parseWorkflowJobEvent } from '../../../src/github/payloads.js';
import { startHttp, type HttpListeners } from '../../../src/http/server.js';
import { silentLogger } from '../../../src/log.js';
import { signedDelivery, signedWorkflowJob } from '../../helpers/github-payloads.js';
import { testConfig, testContext } from '../dispatch/fixtures.js';
import { createDispatcher } from '../../../src/dispatch/dispatcher.js';

const secret = 'webhook-secret';
const config = testConfig({ access: [{ pattern: '*', clusterUser: 'alice' }] });
let harness: ReturnType<typeof testContext>;
let listeners: HttpListeners;

async function start(internal = false) {
  harness = testContext(config);
  const dispatcher = createDispatcher(harness.context, (body, deliveryId) => parseWorkflowJobEvent(deliveryId, body));
  listeners = await startHttp({
    server: { ...config.server, bodyLimitBytes: 65536, internal: internal ? { host: '127.0.0.1', port: 0 } : undefined },
    logger: silentLogger(),
    webhook: { secret, store: harness.store, observer: harness.observer, process: dispatcher.processDelivery },
    callback: { jitConfig: dispatcher.jitConfig },
    registry: new Registry(),
    readiness: () => [{ name: 'store', ok: harness.store.isHealthy() }],
  });
  return dispatcher;
}

async function post(body: string, headers: Record<string, string>, url = `${listeners.urls.webhook}/github/webhooks`) {
  const response = await fetch(url, { method: 'POST', body, headers });
  return { status: response.status, body: await response.text() };
}

/** Waits until the store shows no unprocessed delivery, or fails after 2 seconds. */
async function processed(): Promise<void> {
  for (let round = 0; round < 100; round += 1) {
    if (harness.store.unprocessedDeliveries().length === 0) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('deliveries still unprocessed after 2 seconds');
}

afterEach(async () => {
  await listeners.close();
});

describe('POST /github/webhooks', () => {
  beforeEach(async () => {
    await start();
  });

  it('accepts a signed queued job and submits once', async () => {
    const delivery = await signedWorkflowJob('queued', secret, { labels: ['self-hosted', 'linux'] });

    const reply = await post(delivery.body, delivery.headers);
    await processed();

    expect(reply.status).toBe(202);
    expect(harness.slurm.submissions).toHaveLength(1);
  });

  it('rejects a delivery with a bad signature', async () => {
    const delivery = await signedWorkflowJob('queued', 'another-secret', { labels: ['linux'] });

    const reply = await post(delivery.body, delivery.headers);

    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body).error).toContain('X-Hub-Signature-256');
    expect(harness.store.unprocessedDeliveries()).toEqual([]);
    expect(harness.store.recordDelivery({ deliveryId: delivery.deliveryId, event: 'x', receivedAt: new Date(), body: '' })).toBe('recorded');
  });

  it('rejects a delivery without a signature', async () => {
    const delivery = await signedWorkflowJob('queued', secret);
    const headers = { ...delivery.headers };
    delete headers['x-hub-signature-256'];

    const reply = await post(delivery.body, headers);

    expect(reply.status).toBe(401);
  });

  it('rejects a body changed after signing', async () => {
    const delivery = await signedWorkflowJob('queued', secret);

    const reply = await post(delivery.body.replace('queued', 'completed'), delivery.headers);

    expect(reply.status).toBe(401);
  });

  it('rejects bad JSON with 400', async () => {
    const delivery = await signedDelivery('placeholder', secret);
    const body = '{"action": ';
    const { sign } = await import('@octokit/webhooks-methods');

    const reply = await post(body, { ...delivery.headers, 'x-hub-signature-256': await sign(secret, body) });

    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).error).toContain('JSON');
  });

  it.each(['x-github-event', 'x-github-delivery'])('rejects a missing %s header with 400', async (header) => {
    const delivery = await signedWorkflowJob('queued', secret);
    const headers = { ...delivery.headers };
    delete headers[header];

    const reply = await post(delivery.body, headers);

    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).error.toLowerCase()).toContain(header);
  });

  it('rejects a body over the limit with 413', async () => {
    const payload = { padding: 'x'.repeat(70_000) };
    const delivery = await signedDelivery(payload, secret);

    const reply = await post(delivery.body, delivery.headers);

    expect(reply.status).toBe(413);
    expect(harness.store.unprocessedDeliveries()).toEqual([]);
  });

  it('has one effect for the same delivery twice', async () => {
    const delivery = await signedWorkflowJob('queued', secret, { labels: ['linux'] });

    const first = await post(delivery.body, delivery.headers);
    const second = await post(delivery.body, delivery.headers);
    await processed();

    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(harness.slurm.submissions).toHaveLength(1);
  });

  it('answers ping with 200', async () => {
    const delivery = await signedDelivery({ zen: 'Keep it logically awesome.', hook_id: 1 }, secret, { event: 'ping' });

    const reply = await post(delivery.body, delivery.headers);

    expect(reply.status).toBe(200);
  });

  it('ignores other events with 202', async () => {
    const delivery = await signedDelivery({ action: 'opened' }, secret, { event: 'issues' });

    const reply = await post(delivery.body, delivery.headers);

    expect(reply.status).toBe(202);
    expect(JSON.parse(reply.body).status).toBe('ignored');
    expect(harness.store.unprocessedDeliveries()).toEqual([]);
  });

  it('records a malformed workflow_job as processed with its error', async () => {
    const delivery = await signedDelivery({ action: 'queued', workflow_job: {} }, secret);

    const reply = await post(delivery.body, delivery.headers);
    await processed();

    expect(reply.status).toBe(202);
    expect(harness.slurm.submissions).toHaveLength(0);
  });
});

describe('POST /runners/jit-config', () => {
  beforeEach(async () => {
    await start();
  });

  async function queueAndToken() {
    const delivery = await signedWorkflowJob('queued', secret, { labels: ['linux'] });
    await post(delivery.body, delivery.headers);
    await processed();
    const runner = harness.store.listRunners({})[0]!;
    const token = await signLaunchToken({ secret: config.runner.launchTokenSecret, lifetimeSeconds: 60 }, runner.id, harness.context.now());
    return { runner, token };
  }

  function callback(token: string, body: unknown, accept = 'text/plain') {
    return fetch(`${listeners.urls.webhook}/runners/jit-config`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('returns the configuration as plain text', async () => {
    const { runner, token } = await queueAndToken();

    const response = await callback(token, { slurmJobId: String(runner.slurmJobId) });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toBe(`jit-gha-alpha-${runner.slurmJobId}`);
  });

  it('returns JSON when asked', async () => {
    const { runner, token } = await queueAndToken();

    const response = await callback(token, { slurmJobId: runner.slurmJobId }, 'application/json');

    expect(await response.json()).toEqual({ runnerName: `gha-alpha-${runner.slurmJobId}`, encodedJitConfig: `jit-gha-alpha-${runner.slurmJobId}` });
  });

  it('refuses a token used twice with 409', async () => {
    const { runner, token } = await queueAndToken();

    await callback(token, { slurmJobId: String(runner.slurmJobId) });
    const second = await callback(token, { slurmJobId: String(runner.slurmJobId) });

    expect(second.status).toBe(409);
  });

  it('rejects a missing token with 401', async () => {
    const response = await fetch(`${listeners.urls.webhook}/runners/jit-config`, { method: 'POST', body: '{"slurmJobId":"1"}' });

    expect(response.status).toBe(401);
  });

  it('rejects a bad job id with 400', async () => {
    const { token } = await queueAndToken();

    const response = await callback(token, { slurmJobId: '1; rm -rf /' });

    expect(response.status).toBe(400);
    expect((await response.json()).error).toContain('slurmJobId');
  });
});

describe('listeners', () => {
  it('serves the callback only on the internal listener when split', async () => {
    await start(true);

    const onWebhook = await fetch(`${listeners.urls.webhook}/runners/jit-config`, { method: 'POST', body: '{}' });
    const onInternal = await fetch(`${listeners.urls.internal}/runners/jit-config`, { method: 'POST', body: '{}' });
    const metrics = await fetch(`${listeners.urls.internal}/metrics`);
    const health = await fetch(`${listeners.urls.webhook}/healthz`);

    expect(onWebhook.status).toBe(404);
    expect(onInternal.status).toBe(401);
    expect(metrics.status).toBe(200);
    expect(health.status).toBe(200);
  });

  it('reports readiness', async () => {
    await start();

    const response = await fetch(`${listeners.urls.webhook}/readyz`);

    expect(response.status).toBe(200);
    expect((await response.json()).checks).toEqual([{ name: 'store', ok: true }]);
  });
});
