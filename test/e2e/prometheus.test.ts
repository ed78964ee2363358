/**
 * Scrapes the running service with a real Prometheus while a workflow job runs
 * through a real Slurm cluster, then reads the queue latency and the submitted
 * count back through Prometheus' HTTP API.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { signedWorkflowJob, type WorkflowJobAction, type WorkflowJobOverrides } from '../helpers/github.js';
import { repository, startHarness, webhookSecret, type Harness } from './service-harness.js';
import { freePort, waitFor } from './support.js';

// One cluster is enough here: the metrics do not depend on the Slurm release.
const version = '22.05';
// The harness's `slow` pool keeps its runner stand-in alive for 60 s, long enough
// to deliver `in_progress` before the Slurm job ends.
const labels = ['self-hosted', 'slow'];

interface PrometheusServer {
  url: string;
  process: ChildProcess;
  dir: string;
  log: () => string;
}

async function startPrometheus(target: URL): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gha-slurm-prometheus-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    scrape_configs: [{ job_name: 'gha-slurm', metrics_path: '/metrics', static_configs: [{ targets: [target.host] }] }],
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));

  let log = '';
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;

  await waitFor(
    'Prometheus to be ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
      const response = await fetch(`${url}/-/ready`).catch(() => undefined);
      await response?.arrayBuffer();
      return response?.status === 200;
    },
    30_000,
  );
  return { url, process: child, dir, log: () => log };
}

/** Runs an instant query and returns the value of each series in the result. */
async function query(prometheus: PrometheusServer, promql: string): Promise<number[]> {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as { status: string; error?: string; data: { result: { value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
  return body.data.result.map((series) => Number(series.value[1]));
}

/** Waits until `promql` returns exactly one series with a value for which `accept` holds. */
function waitForValue(prometheus: PrometheusServer, promql: string, accept: (value: number) => boolean): Promise<number> {
  return waitFor(`Prometheus to return an accepted value for ${promql}`, async () => {
    const values = await query(prometheus, promql);
    return values.length === 1 && accept(values[0]!) ? values[0] : undefined;
  });
}

/**
 * Signs and posts a delivery to the service. The body is read to the end: with msw
 * listening, cancelling a response body instead never settles.
 */
async function deliver(harness: Harness, action: WorkflowJobAction, overrides: WorkflowJobOverrides): Promise<number> {
  const delivery = await signedWorkflowJob(action, webhookSecret, { repository, ...overrides });
  const response = await fetch(`${harness.service.urls.webhook}/github/webhooks`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  await response.arrayBuffer();
  return response.status;
}

describe(`metrics scraped by Prometheus on Slurm ${version}`, () => {
  let harness: Harness;
  let prometheus: PrometheusServer;
  let metricsUrl: URL;

  beforeAll(async () => {
    harness = await startHarness(version);
    metricsUrl = new URL('/metrics', harness.service.urls.internal ?? harness.service.urls.webhook);
    prometheus = await startPrometheus(metricsUrl);
  });

  afterAll(async () => {
    prometheus?.process.kill('SIGTERM');
    await harness?.stop();
    if (prometheus) rmSync(prometheus.dir, { recursive: true, force: true });
  });

  it('scrapes the service', async () => {
    const up = await waitForValue(prometheus, 'up{job="gha-slurm"}', (value) => value === 1);

    expect(up).toBe(1);
  });

  it('records a known queue latency and the submission', async () => {
    const workflowJobId = 930_001;
    // GitHub's timestamps decide the latency: created 150 s before the start.
    const startedAt = new Date();
    const createdAt = new Date(startedAt.getTime() - 150_000);

    expect(await deliver(harness, 'queued', { workflowJobId, labels, createdAt: createdAt.toISOString() })).toBe(202);
    const runner = await harness.runnerFor(workflowJobId, 'configured');
    const inProgress = await deliver(harness, 'in_progress', {
      workflowJobId,
      labels,
      runnerName: runner.runnerName!,
      createdAt: createdAt.toISOString(),
      startedAt: startedAt.toISOString(),
    });
    expect(inProgress).toBe(202);
    await harness.runnerFor(workflowJobId, 'busy');

    const count = await waitForValue(prometheus, 'gha_slurm_queue_latency_seconds_count{pool="slow"}', (value) => value >= 1);
    expect(count).toBe(1);
    expect(await query(prometheus, 'gha_slurm_queue_latency_seconds_bucket{pool="slow",le="120"}')).toEqual([0]);
    expect(await query(prometheus, 'gha_slurm_queue_latency_seconds_bucket{pool="slow",le="300"}')).toEqual([1]);
    expect(await query(prometheus, 'gha_slurm_queue_latency_seconds_sum{pool="slow"}')).toEqual([150]);
    // One observation in the (120, 300] bucket: the median interpolates to its middle.
    expect(await query(prometheus, 'histogram_quantile(0.5, sum by (le) (gha_slurm_queue_latency_seconds_bucket{pool="slow"}))')).toEqual([210]);

    const submitted = harness.service.store.listRunners({ pool: 'slow' }).filter((record) => record.slurmJobId !== undefined).length;
    const cluster = harness.cluster.name;
    const counted = await waitForValue(
      prometheus,
      `gha_slurm_slurm_jobs_submitted_total{pool="slow",cluster="${cluster}"}`,
      (value) => value === submitted,
    );
    expect(counted).toBe(submitted);
    expect(await query(prometheus, 'sum(gha_slurm_callbacks_total{outcome="configured"})')).toEqual([submitted]);
    expect(await query(prometheus, `gha_slurm_cluster_up{cluster="${cluster}"}`)).toEqual([1]);
  });

  it('serves metrics that pass promtool', async () => {
    const response = await fetch(metricsUrl);
    const text = await response.text();
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });

    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('gha_slurm_queue_latency_seconds_bucket{le="300",pool="slow"} 1');
    expect(result.error).toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
