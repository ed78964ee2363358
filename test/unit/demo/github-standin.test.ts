import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '@octokit/webhooks-methods';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubStandIn } from '../../../demo/github/standin.js';
import { Timeline } from '../../../demo/timeline.js';
import { createGitHubRunners } from '../../../src/github/index.js';

const appId = 4242;
const repository = 'demo-org/simulation';
const webhookSecret = 'test-webhook-secret';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let dir: string;
let standIn: GitHubStandIn;
let receiver: Server;
const received: Received[] = [];
const timeline = new Timeline(() => undefined);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'standin-test-'));
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));

  standIn = await GitHubStandIn.start({
    appId,
    publicKey,
    repositories: new Map([[repository, 7]]),
    timeline,
    apiLogFile: join(dir, 'api.log'),
    labelForRunner: () => 'job 1',
  });
  standIn.setWebhookTarget(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/github/webhooks`, webhookSecret);
});

afterAll(async () => {
  await standIn.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function client() {
  return createGitHubRunners(
    { appId, privateKey: privateKeyPem, apiUrl: standIn.url, runnerGroupId: 1, runnerScope: 'repository', webhookSecret: '' },
    { retry: { maxAttempts: 1 } },
  );
}

const jobOptions = { runId: 99, repository, installationId: 7, labels: ['self-hosted', 'slurm'], name: 'test', workflowName: 'CI' };

describe('GitHub stand-in', () => {
  it('answers the App identity to a valid App JWT', async () => {
    const identity = await client().verifyCredentials();

    expect(identity.slug).toBe('gha-slurm-demo');
    expect(identity.installations).toEqual([{ id: 7, account: 'demo-org', targetType: 'Organization' }]);
  });

  it('rejects an App JWT signed with another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer(String(appId)).setIssuedAt(now).setExpirationTime(now + 300).sign(other);

    const response = await fetch(`${standIn.url}/app`, { headers: { authorization: `Bearer ${jwt}` } });

    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toBe('A JSON web token could not be decoded');
  });

  it('rejects an unknown installation token', async () => {
    const response = await fetch(`${standIn.url}/repos/${repository}/actions/runners`, { headers: { authorization: 'token ghs_unknown' } });

    expect(response.status).toBe(401);
  });

  it('issues a JIT config and lists, finds and deletes the runner', async () => {
    const github = client();
    const jit = await github.createJitConfig({ installationId: 7, repository, runnerName: 'demo-a-1', labels: ['slurm'] });

    const files = JSON.parse(Buffer.from(jit.encodedJitConfig, 'base64').toString('utf8')) as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual(['.credentials', '.credentials_rsaparams', '.runner']);
    const runnerFile = JSON.parse(Buffer.from(files['.runner']!, 'base64').toString('utf8')) as { agentName: string };
    expect(runnerFile.agentName).toBe('demo-a-1');

    const found = await github.findRunnerByName({ installationId: 7, repository, runnerName: 'demo-a-1' });
    expect(found).toEqual({ id: jit.runnerId, name: 'demo-a-1', status: 'offline', busy: false });

    await github.deleteRunner({ installationId: 7, repository, runnerId: jit.runnerId });
    expect(await github.findRunnerByName({ installationId: 7, repository, runnerName: 'demo-a-1' })).toBeUndefined();
  });

  it('answers 409 to a second runner of the same name', async () => {
    const github = client();
    await github.createJitConfig({ installationId: 7, repository, runnerName: 'demo-a-2', labels: ['slurm'] });
    const token = standIn.state.issueToken(7).token;

    const response = await fetch(`${standIn.url}/repos/${repository}/actions/runners/generate-jitconfig`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'demo-a-2', runner_group_id: 1, labels: ['slurm'] }),
    });

    expect(response.status).toBe(409);
  });

  it('rejects a JIT request without labels', async () => {
    const token = standIn.state.issueToken(7).token;

    const response = await fetch(`${standIn.url}/repos/${repository}/actions/runners/generate-jitconfig`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'demo-a-3', runner_group_id: 1 }),
    });

    expect(response.status).toBe(422);
  });

  it('plays a job from queued to completed with signed deliveries', async () => {
    received.length = 0;
    const queued = await standIn.queueJob('job 1', { ...jobOptions, id: 501 });
    expect(queued.status).toBe(202);

    const github = client();
    await github.createJitConfig({ installationId: 7, repository, runnerName: 'demo-a-4', labels: ['slurm'] });
    const take = await fetch(`${standIn.url}/_demo/runners/demo-a-4/take`, { method: 'POST' });
    expect(take.status).toBe(200);
    expect(await github.getWorkflowJob({ installationId: 7, repository, workflowJobId: 501 })).toEqual({ status: 'in_progress', runnerName: 'demo-a-4' });

    const running = await fetch(`${standIn.url}/_demo/runners/demo-a-4/job`);
    expect(await running.json()).toEqual({ state: 'running' });
    standIn.allowFinish(501);
    const finishing = await fetch(`${standIn.url}/_demo/runners/demo-a-4/job`);
    expect(await finishing.json()).toEqual({ state: 'finish', conclusion: 'success' });

    const finished = await fetch(`${standIn.url}/_demo/runners/demo-a-4/finished`, { method: 'POST', body: JSON.stringify({ conclusion: 'success' }) });
    expect(finished.status).toBe(200);

    const actions = received.map((delivery) => (JSON.parse(delivery.body) as { action: string }).action);
    expect(actions).toEqual(['queued', 'in_progress', 'completed']);
    for (const delivery of received) {
      expect(await verify(webhookSecret, delivery.body, String(delivery.headers['x-hub-signature-256']))).toBe(true);
      expect(delivery.headers['x-github-event']).toBe('workflow_job');
    }
    const completed = JSON.parse(received[2]!.body) as { workflow_job: { conclusion: string; runner_name: string }; installation: { id: number }; repository: { full_name: string } };
    expect(completed.workflow_job.conclusion).toBe('success');
    expect(completed.workflow_job.runner_name).toBe('demo-a-4');
    expect(completed.installation.id).toBe(7);
    expect(completed.repository.full_name).toBe(repository);
    expect(await github.findRunnerByName({ installationId: 7, repository, runnerName: 'demo-a-4' })).toBeUndefined();
  });

  it('gives no job to a runner without its labels', async () => {
    await standIn.queueJob('job 2', { ...jobOptions, id: 502, labels: ['self-hosted', 'gpu'] });
    await client().createJitConfig({ installationId: 7, repository, runnerName: 'demo-a-5', labels: ['slurm'] });

    const take = await fetch(`${standIn.url}/_demo/runners/demo-a-5/take`, { method: 'POST' });

    expect(take.status).toBe(204);
  });

  it('delivers a cancelled job as completed with cancelled', async () => {
    received.length = 0;
    await standIn.queueJob('job 3', { ...jobOptions, id: 503 });

    await standIn.cancelJob(503);

    const last = JSON.parse(received.at(-1)!.body) as { action: string; workflow_job: { conclusion: string; runner_name: string | null } };
    expect(last.action).toBe('completed');
    expect(last.workflow_job.conclusion).toBe('cancelled');
    expect(last.workflow_job.runner_name).toBeNull();
  });
});
