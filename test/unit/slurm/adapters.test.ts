import { describe, expect, it } from 'vitest';

import { currentJobDescription, gresToTresPerNode, relativeUpdateTime } from '../../../src/slurm/adapters/current.js';
import { supportedApiVersions } from '../../../src/slurm/adapters/index.js';
import { submitBodyV0038 } from '../../../src/slurm/adapters/v0.0.38.js';
import type { JobDescription } from '../../../src/slurm/types.js';

const job: JobDescription = {
  name: 'runner',
  script: '#!/bin/bash\ntrue\n',
  environment: { PATH: '/bin', EMPTY: '', WITH_EQUALS: 'a=b' },
  partition: 'gpu',
  cpusPerTask: 4,
  memoryMb: 8192,
  timeLimitMinutes: 120,
  account: 'proj1',
  qos: 'normal',
  gres: 'gpu:a100:1',
  constraint: 'avx512',
  nodes: 1,
  comment: 'gha-slurm',
  workingDirectory: '/scratch/ci',
  stdout: '/scratch/ci/%j.out',
  stderr: '/scratch/ci/%j.err',
};

describe('v0.0.38 submit body', () => {
  it('puts the script at the top level and the rest in job', () => {
    const body = submitBodyV0038(job);

    expect(body.script).toBe(job.script);
    expect(body.job).toEqual({
      name: 'runner',
      environment: job.environment,
      partition: 'gpu',
      cpus_per_task: 4,
      memory_per_node: 8192,
      time_limit: 120,
      account: 'proj1',
      qos: 'normal',
      gres: 'gpu:a100:1',
      constraints: 'avx512',
      nodes: [1, 1],
      comment: 'gha-slurm',
      current_working_directory: '/scratch/ci',
      standard_output: '/scratch/ci/%j.out',
      standard_error: '/scratch/ci/%j.err',
    });
  });

  it('leaves out what the job does not set', () => {
    const body = submitBodyV0038({ name: 'n', script: '#!/bin/sh\n', environment: { A: 'b' }, workingDirectory: '/tmp' });

    expect(JSON.parse(JSON.stringify(body))).toEqual({
      script: '#!/bin/sh\n',
      job: { name: 'n', environment: { A: 'b' }, current_working_directory: '/tmp' },
    });
  });

  it('adds extra fields for tests', () => {
    expect(submitBodyV0038(job, { unknown_field: 1 }).job).toMatchObject({ unknown_field: 1, name: 'runner' });
  });
});

describe('v0.0.40+ job description', () => {
  it('uses set numbers, K=V strings and TRES', () => {
    expect(currentJobDescription(job)).toEqual({
      name: 'runner',
      script: job.script,
      environment: ['PATH=/bin', 'EMPTY=', 'WITH_EQUALS=a=b'],
      current_working_directory: '/scratch/ci',
      partition: 'gpu',
      cpus_per_task: 4,
      memory_per_node: { set: true, infinite: false, number: 8192 },
      time_limit: { set: true, infinite: false, number: 120 },
      account: 'proj1',
      qos: 'normal',
      tres_per_node: 'gres/gpu:a100:1',
      constraints: 'avx512',
      minimum_nodes: 1,
      maximum_nodes: 1,
      comment: 'gha-slurm',
      standard_output: '/scratch/ci/%j.out',
      standard_error: '/scratch/ci/%j.err',
    });
  });

  it('converts each GRES item', () => {
    expect(gresToTresPerNode('gpu:1, shard:2,gres/mps:50,gres:nic:1')).toBe('gres/gpu:1,gres/shard:2,gres/mps:50,gres/nic:1');
  });

  it('formats update_time relative to now, rounded up', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);

    expect(relativeUpdateTime(new Date(now - 60_500), now)).toBe('now-61seconds');
    expect(relativeUpdateTime(new Date(now + 5_000), now)).toBe('now-0seconds');
  });
});

describe('supported versions', () => {
  it('lists every generated version in order', () => {
    expect(supportedApiVersions).toEqual(['v0.0.38', 'v0.0.40', 'v0.0.41', 'v0.0.42', 'v0.0.43', 'v0.0.44', 'v0.0.45']);
  });
});
