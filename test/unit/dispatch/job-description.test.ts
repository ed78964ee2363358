import { describe, expect, it } from 'vitest';
import { buildJobDescription, buildEnvironment } from '../../../src/dispatch/job-description.js';
import type { RunnerRecord, WorkflowJobRecord } from '../../../src/dispatch/types.js';
import { pool, testConfig } from './fixtures.js';

const config = testConfig();
const gpu = pool({
  name: 'gpu',
  labels: ['gpu'],
  partition: 'gpu',
  cpus: 8,
  memoryMb: 16384,
  timeLimitMinutes: 120,
  account: 'physics',
  qos: 'high',
  gres: 'gpu:a100:1',
  constraint: 'a100',
  environment: { CUDA_HOME: '/opt/cuda', PATH: '/opt/cuda/bin:/usr/bin:/bin', GHA_SLURM_RUNNER_DIR: '/tmp/evil' },
});
const script = '#!/bin/bash\necho fixed\n';

function runner(overrides: Partial<RunnerRecord> = {}): RunnerRecord {
  return {
    id: 'runner-1',
    pool: 'gpu',
    cluster: 'alpha',
    clusterUser: 'alice',
    repository: 'octo-org/app',
    installationId: 42,
    requestedFor: 99,
    state: 'requested',
    attempts: 0,
    createdAt: new Date(),
    ...overrides,
  };
}

function workflowJob(overrides: Partial<WorkflowJobRecord> = {}): WorkflowJobRecord {
  return {
    workflowJobId: 99,
    runId: 7,
    repository: 'octo-org/app',
    installationId: 42,
    labels: ['gpu'],
    pool: 'gpu',
    state: 'queued',
    createdAt: new Date(),
    ...overrides,
  };
}

describe('buildJobDescription', () => {
  it('carries the pool resources', () => {
    const job = buildJobDescription({ config, pool: gpu, runner: runner(), workflowJob: workflowJob(), script, launchToken: 't' });

    expect(job).toMatchObject({
      partition: 'gpu',
      cpusPerTask: 8,
      memoryMb: 16384,
      timeLimitMinutes: 120,
      account: 'physics',
      qos: 'high',
      gres: 'gpu:a100:1',
      constraint: 'a100',
      nodes: 1,
      workingDirectory: '/home/alice',
    });
  });

  it('names the job after repository and workflow job', () => {
    const job = buildJobDescription({ config, pool: gpu, runner: runner(), workflowJob: workflowJob(), script, launchToken: 't' });

    expect(job.name).toBe('gha-octo-org-app-99');
    expect(job.comment).toBe('gha-slurm repo=octo-org/app run=7 job=99 runner=runner-1');
  });

  it('passes callback, token and runner dir only through the environment', () => {
    const job = buildJobDescription({ config, pool: gpu, runner: runner(), workflowJob: workflowJob(), script, launchToken: 'the-token' });

    expect(job.environment.GHA_SLURM_CALLBACK_URL).toBe(config.runner.callbackUrl);
    expect(job.environment.GHA_SLURM_LAUNCH_TOKEN).toBe('the-token');
    expect(job.environment.GHA_SLURM_RUNNER_DIR).toBe('/opt/actions-runner');
    expect(job.script).not.toContain('the-token');
  });

  it('keeps the script identical for hostile payload text', () => {
    const hostile = 'octo-org/$(rm -rf ~)`id`;"\'\n#';
    const plain = buildJobDescription({ config, pool: gpu, runner: runner(), workflowJob: workflowJob(), script, launchToken: 't' });
    const attacked = buildJobDescription({
      config,
      pool: gpu,
      runner: runner({ repository: hostile }),
      workflowJob: workflowJob({ repository: hostile, labels: ['gpu', '$(reboot)'] }),
      script,
      launchToken: 't',
    });

    expect(attacked.script).toBe(plain.script);
    expect(attacked.environment).toEqual(plain.environment);
    expect(attacked.name).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(attacked.comment).not.toMatch(/[$`;"'\n#()~]/);
  });
});

describe('buildEnvironment', () => {
  it('keeps pool entries and lets gha-slurm variables win', () => {
    const environment = buildEnvironment(config, gpu, 't');

    expect(environment.CUDA_HOME).toBe('/opt/cuda');
    expect(environment.PATH).toBe('/opt/cuda/bin:/usr/bin:/bin');
    expect(environment.GHA_SLURM_RUNNER_DIR).toBe('/opt/actions-runner');
  });

  it('sets a PATH when the pool has none', () => {
    expect(buildEnvironment(config, pool({ name: 'plain' }), 't').PATH).toBe('/usr/local/bin:/usr/bin:/bin');
  });
});
