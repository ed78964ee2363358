import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { RunnerRecord, WorkflowJobRecord } from '../../../src/dispatch/types.js';
import { migrations } from '../../../src/store/migrations.js';
import { openStore, type SqliteStore } from '../../../src/store/index.js';

let dir: string;
let file: string;
const opened: SqliteStore[] = [];

function open(path = file): SqliteStore {
  const store = openStore(path);
  opened.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gha-slurm-store-'));
  file = join(dir, 'gha-slurm.db');
});

afterEach(() => {
  opened.splice(0).forEach((store) => store.close());
  rmSync(dir, { recursive: true, force: true });
});

const job: WorkflowJobRecord = {
  workflowJobId: 101,
  runId: 7,
  repository: 'octo-org/app',
  installationId: 55,
  labels: ['slurm', 'cpu'],
  pool: 'cpu',
  state: 'queued',
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
};

const runner: RunnerRecord = {
  id: 'r-1',
  pool: 'cpu',
  cluster: 'hpc',
  clusterUser: 'ci-octo',
  repository: 'octo-org/app',
  installationId: 55,
  requestedFor: 101,
  state: 'requested',
  attempts: 0,
  createdAt: new Date('2026-01-02T03:04:06.000Z'),
};

describe('openStore', () => {
  it('applies migrations once across reopens', () => {
    open().close();
    open().close();

    const db = new Database(file, { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations').all();
    db.close();
    expect(versions).toEqual(migrations.map((migration) => ({ version: migration.version })));
  });

  it('uses the WAL journal mode', () => {
    open();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('names a path whose directory is missing', () => {
    const missing = join(dir, 'absent', 'gha-slurm.db');

    expect(() => openStore(missing)).toThrow(`failed to open store ${missing}: directory ${join(dir, 'absent')} does not exist`);
  });

  it('names a file that is not a database', () => {
    writeFileSync(file, 'plain text, not SQLite '.repeat(100));

    expect(() => openStore(file)).toThrow(`failed to open store ${file}: file is not a database`);
  });

  it('rejects a schema newer than it knows', () => {
    open().close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
    db.close();

    expect(() => openStore(file)).toThrow(/schema version 999, newer than version 1/);
  });

  it('keeps records across close and reopen', () => {
    const first = open();
    first.upsertWorkflowJob(job);
    first.insertRunner(runner);
    first.recordDelivery({ deliveryId: 'd-1', event: 'workflow_job', action: 'queued', receivedAt: new Date(1000), body: '{}' });
    first.close();

    const second = open();
    expect(second.getWorkflowJob(101)).toEqual(job);
    expect(second.getRunner('r-1')).toEqual(runner);
    expect(second.unprocessedDeliveries()).toEqual([
      { deliveryId: 'd-1', event: 'workflow_job', action: 'queued', receivedAt: new Date(1000), body: '{}' },
    ]);
  });

  it('reports health until closed', () => {
    const store = open();

    expect(store.isHealthy()).toBe(true);
    store.close();
    expect(store.isHealthy()).toBe(false);
  });
});

describe('deliveries', () => {
  it('reports a duplicate delivery', () => {
    const store = open();
    const delivery = { deliveryId: 'd-1', event: 'workflow_job', receivedAt: new Date(1000), body: '{"a":1}' };

    expect(store.recordDelivery(delivery)).toBe('recorded');
    expect(store.recordDelivery({ ...delivery, body: '{"a":2}' })).toBe('duplicate');
    expect(store.unprocessedDeliveries()).toHaveLength(1);
    expect(store.unprocessedDeliveries()[0]?.body).toBe('{"a":1}');
  });

  it('lists unprocessed deliveries oldest first', () => {
    const store = open();
    store.recordDelivery({ deliveryId: 'late', event: 'workflow_job', receivedAt: new Date(3000), body: '{}' });
    store.recordDelivery({ deliveryId: 'early', event: 'workflow_job', receivedAt: new Date(1000), body: '{}' });
    store.recordDelivery({ deliveryId: 'done', event: 'workflow_job', receivedAt: new Date(2000), body: '{}' });

    store.markDeliveryProcessed('done', 'pool not found');

    expect(store.unprocessedDeliveries().map((delivery) => delivery.deliveryId)).toEqual(['early', 'late']);
  });
});

describe('workflow jobs', () => {
  it('moves a job forward', () => {
    const store = open();
    store.upsertWorkflowJob(job);

    const started = store.upsertWorkflowJob({ ...job, state: 'in_progress', startedAt: new Date(5000), runnerName: 'slurm-hpc-1' });

    expect(started).toMatchObject({ state: 'in_progress', startedAt: new Date(5000), runnerName: 'slurm-hpc-1' });
  });

  it('never overwrites completed with a late queued', () => {
    const store = open();
    store.upsertWorkflowJob({ ...job, state: 'completed', completedAt: new Date(9000), conclusion: 'success' });

    const stored = store.upsertWorkflowJob(job);

    expect(stored).toMatchObject({ state: 'completed', completedAt: new Date(9000), conclusion: 'success' });
    expect(store.getWorkflowJob(101)?.state).toBe('completed');
  });

  it('fills the runner name from a late in_progress', () => {
    const store = open();
    store.upsertWorkflowJob({ ...job, state: 'completed', conclusion: 'success' });

    const stored = store.upsertWorkflowJob({ ...job, state: 'in_progress', runnerName: 'slurm-hpc-2', startedAt: new Date(4000) });

    expect(stored).toMatchObject({ state: 'completed', runnerName: 'slurm-hpc-2', startedAt: new Date(4000) });
  });

  it('filters jobs by state and pool', () => {
    const store = open();
    store.upsertWorkflowJob(job);
    store.upsertWorkflowJob({ ...job, workflowJobId: 102, pool: 'gpu' });
    store.upsertWorkflowJob({ ...job, workflowJobId: 103, state: 'completed' });

    expect(store.listWorkflowJobs({ state: 'queued' }).map((item) => item.workflowJobId)).toEqual([101, 102]);
    expect(store.listWorkflowJobs({ pool: 'cpu' }).map((item) => item.workflowJobId)).toEqual([101, 103]);
    expect(store.listWorkflowJobs({ state: 'queued', pool: 'gpu' }).map((item) => item.workflowJobId)).toEqual([102]);
  });
});

describe('runners', () => {
  it('finds a runner by name and Slurm job', () => {
    const store = open();
    store.insertRunner({ ...runner, state: 'configured', slurmJobId: 42, runnerName: 'slurm-hpc-42' });

    expect(store.getRunnerByName('slurm-hpc-42')?.id).toBe('r-1');
    expect(store.getRunnerBySlurmJob('hpc', 42)?.id).toBe('r-1');
    expect(store.getRunnerBySlurmJob('other', 42)).toBeUndefined();
  });

  it('accepts a Slurm job id that Slurm hands out again', () => {
    const store = open();
    store.insertRunner({ ...runner, state: 'done', slurmJobId: 42, runnerName: 'slurm-hpc-42' });
    store.insertRunner({ ...runner, id: 'r-2', createdAt: new Date('2026-02-01T00:00:00.000Z') });

    const submitted = store.transitionRunner('r-2', ['requested'], { state: 'submitted', slurmJobId: 42 });
    const configured = store.transitionRunner('r-2', ['submitted'], { state: 'configured', runnerName: 'slurm-hpc-42' });

    expect(submitted).toBe(true);
    expect(configured).toBe(true);
    expect(store.getRunnerBySlurmJob('hpc', 42)?.id).toBe('r-2');
    expect(store.getRunnerByName('slurm-hpc-42')?.id).toBe('r-2');
  });

  it('filters runners by states, pool and workflow job', () => {
    const store = open();
    store.insertRunner(runner);
    store.insertRunner({ ...runner, id: 'r-2', state: 'busy', pool: 'gpu' });
    store.insertRunner({ ...runner, id: 'r-3', state: 'done', requestedFor: 202 });

    expect(store.listRunners({ states: ['requested', 'busy'] }).map((item) => item.id)).toEqual(['r-1', 'r-2']);
    expect(store.listRunners({ pool: 'cpu' }).map((item) => item.id)).toEqual(['r-1', 'r-3']);
    expect(store.listRunners({ requestedFor: 202 }).map((item) => item.id)).toEqual(['r-3']);
    expect(store.listRunners({ states: [] })).toEqual([]);
  });

  it('applies a transition only from the expected state', () => {
    const store = open();
    store.insertRunner(runner);

    expect(store.transitionRunner('r-1', ['submitted'], { state: 'configured' })).toBe(false);
    expect(store.transitionRunner('r-1', ['requested'], { state: 'submitted', slurmJobId: 42, submittedAt: new Date(7000) })).toBe(true);
    expect(store.getRunner('r-1')).toMatchObject({ state: 'submitted', slurmJobId: 42, submittedAt: new Date(7000) });
  });

  it('rejects a transition that moves backwards', () => {
    const store = open();
    store.insertRunner({ ...runner, state: 'busy' });

    expect(() => store.transitionRunner('r-1', ['busy'], { state: 'submitted' })).toThrow(/from busy to submitted would go backwards/);
    expect(() => store.transitionRunner('r-1', ['done'], { state: 'failed' })).toThrow(/from done to failed/);
    expect(store.getRunner('r-1')?.state).toBe('busy');
  });

  it('lets only one of two connections win a transition', () => {
    const first = open();
    const second = open();
    first.insertRunner({ ...runner, state: 'submitted' });

    const results = [
      first.transitionRunner('r-1', ['submitted'], { state: 'configured', runnerName: 'slurm-hpc-1' }),
      second.transitionRunner('r-1', ['submitted'], { state: 'configured', runnerName: 'slurm-hpc-2' }),
    ];

    expect(results).toEqual([true, false]);
    expect(second.getRunner('r-1')?.runnerName).toBe('slurm-hpc-1');
  });

  it('updates fields and clears one set to undefined', () => {
    const store = open();
    store.insertRunner({ ...runner, notBefore: new Date(8000), lastError: 'slurmctld unavailable' });

    store.updateRunner('r-1', { attempts: 2, notBefore: undefined, lastError: undefined });

    const stored = store.getRunner('r-1');
    expect(stored?.attempts).toBe(2);
    expect(stored).not.toHaveProperty('notBefore');
    expect(stored).not.toHaveProperty('lastError');
  });

  it('rejects a state change through updateRunner', () => {
    const store = open();
    store.insertRunner(runner);

    expect(() => store.updateRunner('r-1', { state: 'done' } as never)).toThrow(/use transitionRunner/);
    expect(() => store.updateRunner('r-9', { attempts: 1 })).toThrow('runner r-9 not found in the store');
  });
});

describe('in-memory store', () => {
  it('works without a file', () => {
    const store = open(':memory:');

    store.insertRunner(runner);

    expect(store.getRunner('r-1')).toEqual(runner);
    expect(store.isHealthy()).toBe(true);
  });
});

describe('prune', () => {
  it('deletes only finished rows older than the cutoff', () => {
    const store = open();
    store.recordDelivery({ deliveryId: 'old-done', event: 'workflow_job', receivedAt: new Date(1000), body: '{}' });
    store.recordDelivery({ deliveryId: 'old-pending', event: 'workflow_job', receivedAt: new Date(1000), body: '{}' });
    store.recordDelivery({ deliveryId: 'new-done', event: 'workflow_job', receivedAt: new Date(9000), body: '{}' });
    store.markDeliveryProcessed('old-done');
    store.markDeliveryProcessed('new-done');
    store.upsertWorkflowJob({ ...job, workflowJobId: 1, state: 'completed', completedAt: new Date(2000) });
    store.upsertWorkflowJob({ ...job, workflowJobId: 2, state: 'completed', completedAt: new Date(9000) });
    store.upsertWorkflowJob({ ...job, workflowJobId: 3, state: 'queued', createdAt: new Date(1000) });
    store.insertRunner({ ...runner, id: 'ended', state: 'done', endedAt: new Date(2000) });
    store.insertRunner({ ...runner, id: 'busy', state: 'busy', createdAt: new Date(1000) });

    const result = store.prune(new Date(5000));

    expect(result).toEqual({ deliveries: 1, workflowJobs: 1, runners: 1 });
    expect(store.unprocessedDeliveries().map((delivery) => delivery.deliveryId)).toEqual(['old-pending']);
    expect(store.recordDelivery({ deliveryId: 'new-done', event: 'workflow_job', receivedAt: new Date(9000), body: '{}' })).toBe('duplicate');
    expect(store.listWorkflowJobs({}).map((item) => item.workflowJobId)).toEqual([3, 2]);
    expect(store.listRunners({}).map((item) => item.id)).toEqual(['busy']);
  });
});
