import { describe, expect, it } from 'vitest';

import { normaliseJob, readExitCode, readJobState, readNumber, readTime, type JobReplyFields } from '../../../src/slurm/normalise.js';
import { fixture } from './fake-slurmrestd.js';

function firstJob(name: string): JobReplyFields {
  const { body } = fixture(name) as { body: { jobs: JobReplyFields[] } };
  return body.jobs[0] as JobReplyFields;
}

describe('normaliseJob', () => {
  it.each(['v0.0.38-job-failed', 'v0.0.40-job-failed', 'v0.0.42-job-failed', 'v0.0.45-job-failed'])('reads the %s reply', (name) => {
    const job = normaliseJob(firstJob(name));

    expect(job.jobId).toBeGreaterThan(0);
    expect(job.name).toBe('probe');
    expect(job.userName).toBe('ci-alice');
    expect(job.state).toBe('FAILED');
    expect(job.stateFlags).toEqual([]);
    expect(job.stateReason).toBe('NonZeroExitCode');
    expect(job.partition).toBe('debug');
    expect(job.comment).toBe('c1');
    expect(job.memoryMb).toBe(100);
    expect(job.timeLimitMinutes).toBe(5);
    expect(job.exitCode).toBe(3);
    expect(job.nodes).toBe('localhost');
    expect(job.startTime).toBeInstanceOf(Date);
    expect(job.endTime?.getTime()).toBeGreaterThanOrEqual(job.startTime?.getTime() ?? Infinity);
    expect(job.account).toBeUndefined();
  });

  it('derives CPUs per task when 22.05 reports null', () => {
    const job = normaliseJob({ job_id: 4, job_state: 'RUNNING', cpus_per_task: null, cpus: 4, tasks: 2 });

    expect(job.cpusPerTask).toBe(2);
  });

  it('leaves the exit code out until the job ends', () => {
    const job = normaliseJob({ job_id: 4, job_state: ['RUNNING'], exit_code: { status: ['PENDING'], return_code: { set: true, infinite: false, number: 0 } } });

    expect(job.exitCode).toBeUndefined();
  });

  it('reads a job id given as a string', () => {
    expect(normaliseJob({ job_id: '42', job_state: 'PENDING' }).jobId).toBe(42);
  });

  it('rejects a job without an id', () => {
    expect(() => normaliseJob({ job_state: 'PENDING' })).toThrow(/no usable job_id/);
  });

  it('treats start time 0 as not started', () => {
    expect(normaliseJob({ job_id: 1, job_state: 'PENDING', start_time: 0 }).startTime).toBeUndefined();
  });
});

describe('readJobState', () => {
  it('splits base state and flags', () => {
    expect(readJobState(['CANCELLED', 'COMPLETING'])).toEqual({ state: 'CANCELLED', flags: ['COMPLETING'] });
  });

  it('finds the base state after a flag', () => {
    expect(readJobState(['REQUEUED', 'PENDING'])).toEqual({ state: 'PENDING', flags: ['REQUEUED'] });
  });

  it('keeps a v0.0.38 flag string as the state', () => {
    expect(readJobState('COMPLETING')).toEqual({ state: 'COMPLETING', flags: ['COMPLETING'] });
  });

  it('reads a v0.0.38 base state string', () => {
    expect(readJobState('RUNNING')).toEqual({ state: 'RUNNING', flags: [] });
  });

  it('reports UNKNOWN for a missing state', () => {
    expect(readJobState(undefined).state).toBe('UNKNOWN');
  });
});

describe('readExitCode', () => {
  it('decodes a v0.0.38 wait status', () => {
    expect(readExitCode(768)).toBe(3);
  });

  it('maps a v0.0.38 signal to 128 plus its number', () => {
    expect(readExitCode(9)).toBe(137);
  });

  it('reads the v0.0.40 return code', () => {
    expect(readExitCode({ status: ['ERROR'], return_code: { set: true, infinite: false, number: 3 }, signal: { id: { set: false, infinite: false, number: 0 }, name: '' } })).toBe(3);
  });

  it('maps a v0.0.40 signal to 128 plus its number', () => {
    expect(readExitCode({ status: ['SIGNALED'], return_code: { set: false, infinite: false, number: 0 }, signal: { id: { set: true, infinite: false, number: 15 }, name: 'TERM' } })).toBe(143);
  });
});

describe('readNumber', () => {
  const cases: Array<[unknown, number | undefined]> = [
    [7, 7],
    ['7', 7],
    [{ set: true, infinite: false, number: 7 }, 7],
    [{ set: false, infinite: false, number: 0 }, undefined],
    [{ set: true, infinite: true, number: 0 }, undefined],
    [null, undefined],
    ['7G', undefined],
  ];

  it.each(cases)('reads %j as %j', (value, expected) => {
    expect(readNumber(value)).toBe(expected);
  });

  it('reads a time as a Date', () => {
    expect(readTime({ set: true, infinite: false, number: 1_700_000_000 })?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });
});
