import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signedDelivery, signedWorkflowJob } from '../../helpers/github-payloads.js';
import { processed, rawPost, startTarget, webhookSecret, type AttackTarget } from './harness.js';

let target: AttackTarget;

beforeEach(async () => {
  target = await startTarget();
});

afterEach(async () => {
  await target.listeners.close();
});

function hmac(body: string | Buffer, secret = webhookSecret): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

async function post(body: string | Buffer, headers: Record<string, string>) {
  const bytes = typeof body === 'string' ? body : new Uint8Array(body);
  const response = await fetch(`${target.url}/github/webhooks`, { method: 'POST', body: bytes, headers });
  return { status: response.status, body: await response.text() };
}

function stored(): number {
  return target.harness.store.unprocessedDeliveries().length;
}

describe('webhook signature', () => {
  it.each([
    ['without the sha256= prefix', (body: string) => hmac(body)],
    ['with trailing characters after the digest', (body: string) => `sha256=${hmac(body)}zz`],
    ['with an extra half byte', (body: string) => `sha256=${hmac(body)}0`],
    ['with a sha1= prefix', (body: string) => `sha1=${hmac(body)}`],
    ['with a truncated digest', (body: string) => `sha256=${hmac(body).slice(0, 32)}`],
    ['with the digest of another secret', (body: string) => `sha256=${hmac(body, '')}`],
  ])('rejects a signature %s', async (_name, header) => {
    const delivery = await signedWorkflowJob('queued', webhookSecret, { labels: ['linux'] });

    const reply = await post(delivery.body, { ...delivery.headers, 'x-hub-signature-256': header(delivery.body) });

    expect(reply.status).toBe(401);
    expect(stored()).toBe(0);
  });

  it('rejects a delivery signed only with sha1', async () => {
    const delivery = await signedWorkflowJob('queued', webhookSecret, { labels: ['linux'] });
    const headers: Record<string, string> = { ...delivery.headers };
    delete headers['x-hub-signature-256'];
    headers['x-hub-signature'] = `sha1=${createHmac('sha1', webhookSecret).update(delivery.body).digest('hex')}`;

    const reply = await post(delivery.body, headers);

    expect(reply.status).toBe(401);
    expect(stored()).toBe(0);
  });
});

describe('webhook body', () => {
  beforeEach(async () => {
    target = await restartWithLimit(4096);
  });

  function deliveryOfSize(size: number) {
    const empty = JSON.stringify({ action: 'opened', padding: '' });
    return JSON.stringify({ action: 'opened', padding: 'x'.repeat(size - empty.length) });
  }

  function headersFor(body: string | Buffer, event = 'issues'): Record<string, string> {
    return {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': 'delivery-size',
      'x-hub-signature-256': `sha256=${hmac(body)}`,
    };
  }

  it('accepts a body of exactly the limit', async () => {
    const body = deliveryOfSize(4096);

    const reply = await post(body, headersFor(body));

    expect(Buffer.byteLength(body)).toBe(4096);
    expect(reply.status).toBe(202);
  });

  it('answers 413 to a chunked body over the limit', async () => {
    const body = deliveryOfSize(10_000);
    const chunks = [Buffer.from(body.slice(0, 3000)), Buffer.from(body.slice(3000, 6000)), Buffer.from(body.slice(6000))];

    const reply = await rawPost(target.url, '/github/webhooks', headersFor(body), chunks);

    expect(reply.status).toBe(413);
  });

  it('stops at a short content-length', async () => {
    const body = deliveryOfSize(10_000);

    const reply = await rawPost(target.url, '/github/webhooks', { ...headersFor(body), 'content-length': '100' }, [Buffer.from(body)]);

    expect(reply.status).not.toBe(202);
    expect(stored()).toBe(0);
  });

  it('rejects a gzip body with 400', async () => {
    const body = gzipSync(JSON.stringify({ action: 'opened' }));

    const reply = await post(body, { ...headersFor(body), 'content-encoding': 'gzip' });

    expect([400, 415]).toContain(reply.status);
  });

  it.each(['[]', '"text"', '42', 'null', 'true'])('rejects the JSON value %s with 400', async (body) => {
    const reply = await post(body, headersFor(body, 'workflow_job'));

    expect(reply.status).toBe(400);
    expect(stored()).toBe(0);
  });
});

describe('webhook payload fields', () => {
  it('skips labels that are not strings', async () => {
    const delivery = await signedDelivery(
      { action: 'queued', workflow_job: { id: 1, run_id: 1, labels: [1, null, { a: 1 }] }, repository: { full_name: 'o/r' }, installation: { id: 1 } },
      webhookSecret,
    );

    const reply = await post(delivery.body, delivery.headers);
    await processed(target);

    expect(reply.status).toBe(202);
    expect(target.harness.slurm.submissions).toHaveLength(0);
  });

  it('skips a huge unmatched label list', async () => {
    const labels = Array.from({ length: 500 }, (_, index) => `label-${index}`);
    const delivery = await signedWorkflowJob('queued', webhookSecret, { labels });
    target = await restartWithLimit(1_000_000);

    const reply = await post(delivery.body, delivery.headers);
    await processed(target);

    expect(reply.status).toBe(202);
    expect(target.harness.slurm.submissions).toHaveLength(0);
  });

  it('strips shell metacharacters from job fields', async () => {
    const delivery = await signedWorkflowJob('queued', webhookSecret, { labels: ['linux'], repository: 'o$(id)/"r`x`\';ü' });

    const reply = await post(delivery.body, delivery.headers);
    await processed(target);

    expect(reply.status).toBe(202);
    const submitted = target.harness.slurm.submissions;
    expect(submitted).toHaveLength(1);
    expect(submitted[0]!.job.name).toMatch(/^[\w.-]+$/);
    expect(submitted[0]!.job.comment).not.toMatch(/[$`'";]/);
  });

  it('applies concurrent duplicates once', async () => {
    const delivery = await signedWorkflowJob('queued', webhookSecret, { labels: ['linux'] });

    const replies = await Promise.all([post(delivery.body, delivery.headers), post(delivery.body, delivery.headers)]);
    await processed(target);

    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 202]);
    expect(target.harness.slurm.submissions).toHaveLength(1);
  });

  it('ignores a replayed id with another body', async () => {
    const first = await signedWorkflowJob('queued', webhookSecret, { labels: ['linux'] });
    const second = await signedWorkflowJob('completed', webhookSecret, { labels: ['linux'] }, first.deliveryId);

    await post(first.body, first.headers);
    const replay = await post(second.body, second.headers);
    await processed(target);

    expect(replay.status).toBe(200);
    expect(target.harness.slurm.submissions).toHaveLength(1);
  });
});

async function restartWithLimit(limit: number): Promise<AttackTarget> {
  await target.listeners.close();
  return startTarget(limit);
}
