import { generateKeyPair, SignJWT, UnsecuredJWT, exportSPKI } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchTokenAudience, launchTokenIssuer, signLaunchToken } from '../../../src/dispatch/launch-token.js';
import { signedWorkflowJob } from '../../helpers/github-payloads.js';
import { processed, rawPost, startTarget, webhookSecret, type AttackTarget } from './harness.js';

let target: AttackTarget;

beforeEach(async () => {
  target = await startTarget();
});

afterEach(async () => {
  await target.listeners.close();
});

async function queueJob(workflowJobId = 11) {
  const delivery = await signedWorkflowJob('queued', webhookSecret, { labels: ['linux'], workflowJobId });
  await fetch(`${target.url}/github/webhooks`, { method: 'POST', body: delivery.body, headers: delivery.headers });
  await processed(target);
  return target.harness.store.listRunners({}).at(-1)!;
}

function settings(lifetimeSeconds = 60) {
  return { secret: target.config.runner.launchTokenSecret, lifetimeSeconds };
}

async function callback(token: string | undefined, body: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token !== undefined) {
    headers.authorization = `Bearer ${token}`;
  }
  const response = await fetch(`${target.url}/runners/jit-config`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text() };
}

function claims(runnerId: string) {
  return { iss: launchTokenIssuer, aud: launchTokenAudience, jti: runnerId };
}

describe('callback token forgery', () => {
  it('rejects an unsigned token', async () => {
    const runner = await queueJob();
    const token = new UnsecuredJWT(claims(runner.id)).setExpirationTime('1h').encode();

    const reply = await callback(token, JSON.stringify({ slurmJobId: runner.slurmJobId }));

    expect(reply.status).toBe(401);
    expect(target.harness.github.created).toHaveLength(0);
  });

  it('rejects a token signed with another secret', async () => {
    const runner = await queueJob();
    const token = await signLaunchToken({ secret: 'another-secret', lifetimeSeconds: 60 }, runner.id, target.harness.context.now());

    const reply = await callback(token, JSON.stringify({ slurmJobId: runner.slurmJobId }));

    expect(reply.status).toBe(401);
  });

  it('rejects an RS256 token', async () => {
    const runner = await queueJob();
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(claims(runner.id)).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('1h').sign(privateKey);
    const confused = await new SignJWT(claims(runner.id))
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(await exportSPKI(publicKey)));

    const replies = [await callback(token, JSON.stringify({ slurmJobId: runner.slurmJobId })), await callback(confused, JSON.stringify({ slurmJobId: runner.slurmJobId }))];

    expect(replies.map((reply) => reply.status)).toEqual([401, 401]);
  });

  it.each([
    ['another audience', { iss: launchTokenIssuer, aud: 'slurm' }],
    ['another issuer', { iss: 'someone', aud: launchTokenAudience }],
  ])('rejects a token for %s', async (_name, fields) => {
    const runner = await queueJob();
    const key = new TextEncoder().encode(target.config.runner.launchTokenSecret);
    const token = await new SignJWT({ ...fields, jti: runner.id }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key);

    const reply = await callback(token, JSON.stringify({ slurmJobId: runner.slurmJobId }));

    expect(reply.status).toBe(401);
  });

  it('rejects an expired token', async () => {
    const runner = await queueJob();
    const token = await signLaunchToken(settings(60), runner.id, target.harness.context.now());
    target.harness.advance(120);

    const reply = await callback(token, JSON.stringify({ slurmJobId: runner.slurmJobId }));

    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body).error).toContain('expired');
  });

  it('rejects a missing Authorization header', async () => {
    const reply = await callback(undefined, '{"slurmJobId":"1"}');

    expect(reply.status).toBe(401);
  });
});

describe('callback use', () => {
  it('rejects a token used for another Slurm job', async () => {
    const runner = await queueJob();
    const token = await signLaunchToken(settings(), runner.id, target.harness.context.now());

    const reply = await callback(token, JSON.stringify({ slurmJobId: runner.slurmJobId! + 1 }));

    expect(reply.status).toBe(403);
    expect(target.harness.github.created).toHaveLength(0);
  });

  it('configures one runner for parallel replays', async () => {
    const runner = await queueJob();
    const token = await signLaunchToken(settings(), runner.id, target.harness.context.now());
    const body = JSON.stringify({ slurmJobId: runner.slurmJobId });

    const replies = await Promise.all(Array.from({ length: 5 }, () => callback(token, body)));

    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(target.harness.github.created).toHaveLength(1);
  });

  it('rejects an oversized body with 413', async () => {
    const runner = await queueJob();
    const token = await signLaunchToken(settings(), runner.id, target.harness.context.now());
    const body = Buffer.from(JSON.stringify({ slurmJobId: runner.slurmJobId, padding: 'x'.repeat(100_000) }));

    const reply = await rawPost(target.url, '/runners/jit-config', { authorization: `Bearer ${token}` }, [body]);

    expect(reply.status).toBe(413);
    expect(target.harness.github.created).toHaveLength(0);
  });
});
