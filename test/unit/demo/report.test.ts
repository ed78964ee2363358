import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { selectMetricLines } from '../../../demo/report.js';
import { loggedProblems } from '../../../demo/service-log.js';
import { hasEnded, isJobFor } from '../../../demo/slurm-watcher.js';
import type { SlurmJob } from '../../../src/slurm/types.js';

describe('selectMetricLines', () => {
  const exposition = [
    '# HELP gha_slurm_queue_latency_seconds Time from a workflow job creation to its start.',
    '# TYPE gha_slurm_queue_latency_seconds histogram',
    'gha_slurm_queue_latency_seconds_bucket{le="1",pool="short"} 0',
    'gha_slurm_queue_latency_seconds_bucket{le="5",pool="short"} 2',
    'gha_slurm_queue_latency_seconds_bucket{le="15",pool="short"} 2',
    'gha_slurm_queue_latency_seconds_bucket{le="30",pool="short"} 3',
    'gha_slurm_queue_latency_seconds_bucket{le="+Inf",pool="short"} 3',
    'gha_slurm_queue_latency_seconds_sum{pool="short"} 21.5',
    'gha_slurm_queue_latency_seconds_count{pool="short"} 3',
    'gha_slurm_runners{state="busy"} 1',
    'gha_slurm_slurm_jobs_submitted_total{pool="short",cluster="c1"} 3',
    'gha_slurm_slurm_jobs_cancelled_total{pool="long",cluster="c1",reason="workflow-job-cancelled"} 1',
  ].join('\n');

  it('keeps the buckets where the count grows', () => {
    const lines = selectMetricLines(exposition);

    expect(lines).toContain('gha_slurm_queue_latency_seconds_bucket{le="5",pool="short"} 2');
    expect(lines).toContain('gha_slurm_queue_latency_seconds_bucket{le="30",pool="short"} 3');
    expect(lines).not.toContain('gha_slurm_queue_latency_seconds_bucket{le="1",pool="short"} 0');
    expect(lines).not.toContain('gha_slurm_queue_latency_seconds_bucket{le="15",pool="short"} 2');
    expect(lines).not.toContain('gha_slurm_queue_latency_seconds_bucket{le="+Inf",pool="short"} 3');
  });

  it('keeps sums, counts and counters of the reported families only', () => {
    const lines = selectMetricLines(exposition);

    expect(lines).toContain('gha_slurm_queue_latency_seconds_sum{pool="short"} 21.5');
    expect(lines).toContain('gha_slurm_queue_latency_seconds_count{pool="short"} 3');
    expect(lines).toContain('gha_slurm_slurm_jobs_submitted_total{pool="short",cluster="c1"} 3');
    expect(lines).toContain('gha_slurm_slurm_jobs_cancelled_total{pool="long",cluster="c1",reason="workflow-job-cancelled"} 1');
    expect(lines.some((line) => line.startsWith('gha_slurm_runners'))).toBe(false);
    expect(lines.some((line) => line.startsWith('#'))).toBe(false);
  });
});

describe('loggedProblems', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists distinct problems, errors first', () => {
    dir = mkdtempSync(join(tmpdir(), 'demo-log-'));
    const file = join(dir, 'gha-slurm.log');
    const lines = [
      { level: 30, msg: 'workflow job queued' },
      { level: 40, msg: 'slurm ping failed', err: { message: 'connect ECONNREFUSED' } },
      { level: 40, msg: 'slurm ping failed', err: { message: 'connect ECONNREFUSED' } },
      { level: 50, msg: 'slurm submission failed', err: { message: 'Slurm error 5004' } },
    ];
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\nnot json\n`);

    expect(loggedProblems(file)).toEqual(['slurm submission failed: Slurm error 5004', 'slurm ping failed: connect ECONNREFUSED']);
  });

  it('returns nothing for a missing log', () => {
    expect(loggedProblems('/nonexistent/gha-slurm.log')).toEqual([]);
  });
});

describe('Slurm job matching', () => {
  const job = (fields: Partial<SlurmJob>): SlurmJob => ({ jobId: 7, name: 'gha-o-r-41', userName: 'ci-alice', state: 'RUNNING', stateFlags: [], ...fields });

  it('matches a job by the comment that gha-slurm sets', () => {
    const submitted = job({ name: 'other', comment: 'gha-slurm repo=o/r run=1 job=41 runner=abc' });

    expect(isJobFor(submitted, 41)).toBe(true);
    expect(isJobFor(submitted, 4)).toBe(false);
  });

  it('treats COMPLETING as not ended', () => {
    expect(hasEnded(job({ state: 'COMPLETED', stateFlags: ['COMPLETING'] }))).toBe(false);
    expect(hasEnded(job({ state: 'COMPLETED' }))).toBe(true);
    expect(hasEnded(job({ state: 'PENDING' }))).toBe(false);
  });
});
