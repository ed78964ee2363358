import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

import type { RunnerRecord, RunnerState, WorkflowJobRecord, WorkflowJobState } from '../dispatch/types.js';
import { migrate } from './migrations.js';
import { runnerColumns, toColumn, toDelivery, toRunner, toWorkflowJob, workflowJobParameters } from './rows.js';
import { isRunnerMoveAllowed, isWorkflowJobMoveAllowed } from './states.js';
import type { DeliveryRecord, DeliveryRecordResult, PruneResult, Store } from './types.js';

/** How long a write waits for another connection's lock before failing, in milliseconds. */
const busyTimeoutMs = 5_000;

/**
 * Opens (creating if needed) the SQLite store at `path`, or an in-memory one for
 * `:memory:`, and applies pending migrations.
 *
 * @throws Error naming the path when the file cannot be opened or migrated.
 */
export function openStore(path: string): SqliteStore {
  const location = path === ':memory:' ? path : resolve(path);
  if (location !== ':memory:' && !existsSync(dirname(location))) {
    throw new Error(`failed to open store ${location}: directory ${dirname(location)} does not exist; create it or change store.path`);
  }

  let db: Database.Database;
  try {
    db = new Database(location, { timeout: busyTimeoutMs });
    db.pragma('journal_mode = WAL');
    // FULL makes every commit durable before it returns, so a delivery acknowledged with 202 survives a power loss.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, location);
  } catch (error) {
    throw new Error(`failed to open store ${location}: ${(error as Error).message}`, { cause: error });
  }
  return new SqliteStore(db);
}

/** The `Store` on one better-sqlite3 connection; every method is synchronous and atomic. */
export class SqliteStore implements Store {
  constructor(private readonly db: Database.Database) {}

  recordDelivery(delivery: Omit<DeliveryRecord, 'processedAt' | 'error'>): DeliveryRecordResult {
    const result = this.db
      .prepare(
        `INSERT INTO deliveries (delivery_id, event, action, received_at, body)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`,
      )
      .run(delivery.deliveryId, delivery.event, toColumn(delivery.action), toColumn(delivery.receivedAt), delivery.body);
    return result.changes === 1 ? 'recorded' : 'duplicate';
  }

  markDeliveryProcessed(deliveryId: string, error?: string): void {
    this.db
      .prepare('UPDATE deliveries SET processed_at = ?, error = ? WHERE delivery_id = ?')
      .run(Date.now(), toColumn(error), deliveryId);
  }

  unprocessedDeliveries(): DeliveryRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM deliveries WHERE processed_at IS NULL ORDER BY received_at, rowid')
      .all() as Record<string, unknown>[];
    return rows.map(toDelivery);
  }

  /**
   * Inserts the job, or merges it into the stored one. A state never moves back:
   * an event that arrives late (a `queued` after `completed`) only fills the start
   * time and runner name when they are still empty.
   */
  upsertWorkflowJob(job: WorkflowJobRecord): WorkflowJobRecord {
    return this.db
      .transaction(() => {
        const stored = this.getWorkflowJob(job.workflowJobId);
        const merged = stored ? mergeWorkflowJob(stored, job) : job;
        this.db
          .prepare(
            `INSERT INTO workflow_jobs (workflow_job_id, run_id, repository, installation_id, labels, pool, state,
               created_at, started_at, completed_at, conclusion, runner_name)
             VALUES (@workflow_job_id, @run_id, @repository, @installation_id, @labels, @pool, @state,
               @created_at, @started_at, @completed_at, @conclusion, @runner_name)
             ON CONFLICT (workflow_job_id) DO UPDATE SET
               run_id = excluded.run_id, repository = excluded.repository, installation_id = excluded.installation_id,
               labels = excluded.labels, pool = excluded.pool, state = excluded.state, created_at = excluded.created_at,
               started_at = excluded.started_at, completed_at = excluded.completed_at,
               conclusion = excluded.conclusion, runner_name = excluded.runner_name`,
          )
          .run(workflowJobParameters(merged));
        return this.getWorkflowJob(job.workflowJobId) as WorkflowJobRecord;
      })
      .immediate();
  }

  getWorkflowJob(workflowJobId: number): WorkflowJobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM workflow_jobs WHERE workflow_job_id = ?').get(workflowJobId);
    return row ? toWorkflowJob(row as Record<string, unknown>) : undefined;
  }

  listWorkflowJobs(filter: { state?: WorkflowJobState; pool?: string }): WorkflowJobRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM workflow_jobs
         WHERE (@state IS NULL OR state = @state) AND (@pool IS NULL OR pool = @pool)
         ORDER BY created_at, workflow_job_id`,
      )
      .all({ state: filter.state ?? null, pool: filter.pool ?? null }) as Record<string, unknown>[];
    return rows.map(toWorkflowJob);
  }

  insertRunner(runner: RunnerRecord): void {
    const columns = Object.values(runnerColumns);
    const values = Object.keys(runnerColumns).map((field) => toColumn(runner[field as keyof RunnerRecord]));
    this.db
      .prepare(`INSERT INTO runners (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
      .run(...values);
  }

  getRunner(id: string): RunnerRecord | undefined {
    return this.selectRunner('SELECT * FROM runners WHERE id = ?', id);
  }

  getRunnerByName(runnerName: string): RunnerRecord | undefined {
    return this.selectRunner('SELECT * FROM runners WHERE runner_name = ? ORDER BY created_at DESC, rowid DESC LIMIT 1', runnerName);
  }

  getRunnerBySlurmJob(cluster: string, slurmJobId: number): RunnerRecord | undefined {
    return this.selectRunner(
      'SELECT * FROM runners WHERE cluster = ? AND slurm_job_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
      cluster,
      slurmJobId,
    );
  }

  listRunners(filter: { states?: RunnerState[]; pool?: string; requestedFor?: number }): RunnerRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM runners
         WHERE (@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
           AND (@pool IS NULL OR pool = @pool)
           AND (@requested_for IS NULL OR requested_for = @requested_for)
         ORDER BY created_at, rowid`,
      )
      .all({
        states: filter.states ? JSON.stringify(filter.states) : null,
        pool: filter.pool ?? null,
        requested_for: filter.requestedFor ?? null,
      }) as Record<string, unknown>[];
    return rows.map(toRunner);
  }

  transitionRunner(id: string, from: RunnerState[], changes: Partial<RunnerRecord> & { state: RunnerState }): boolean {
    const backwards = from.filter((state) => !isRunnerMoveAllowed(state, changes.state));
    if (backwards.length > 0) {
      throw new Error(`runner ${id}: a move from ${backwards.join(', ')} to ${changes.state} would go backwards; states only move forward`);
    }
    if (from.length === 0) {
      return false;
    }

    const { sets, values } = assignments(changes);
    const result = this.db
      .prepare(`UPDATE runners SET ${sets} WHERE id = ? AND state IN (${from.map(() => '?').join(', ')})`)
      .run(...values, id, ...from);
    return result.changes === 1;
  }

  updateRunner(id: string, changes: Partial<Omit<RunnerRecord, 'id' | 'state'>>): void {
    if ('state' in changes || 'id' in changes) {
      throw new Error(`runner ${id}: updateRunner cannot change id or state; use transitionRunner`);
    }
    if (Object.keys(changes).length === 0) {
      return;
    }
    const { sets, values } = assignments(changes);
    const result = this.db.prepare(`UPDATE runners SET ${sets} WHERE id = ?`).run(...values, id);
    if (result.changes === 0) {
      throw new Error(`runner ${id} not found in the store`);
    }
  }

  prune(before: Date): PruneResult {
    const cutoff = before.getTime();
    return this.db
      .transaction(() => ({
        deliveries: this.db.prepare('DELETE FROM deliveries WHERE processed_at IS NOT NULL AND received_at < ?').run(cutoff).changes,
        workflowJobs: this.db
          .prepare("DELETE FROM workflow_jobs WHERE state = 'completed' AND COALESCE(completed_at, created_at) < ?")
          .run(cutoff).changes,
        runners: this.db
          .prepare("DELETE FROM runners WHERE state IN ('done', 'failed', 'cancelled') AND COALESCE(ended_at, created_at) < ?")
          .run(cutoff).changes,
      }))
      .immediate();
  }

  isHealthy(): boolean {
    try {
      return this.db.open && this.db.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) {
      this.db.close();
    }
  }

  private selectRunner(sql: string, ...parameters: unknown[]): RunnerRecord | undefined {
    const row = this.db.prepare(sql).get(...parameters);
    return row ? toRunner(row as Record<string, unknown>) : undefined;
  }
}

/**
 * Builds `column = ?` pairs from record fields. A key present with `undefined`
 * clears the column, so callers can drop a `notBefore` or `lastError`.
 */
function assignments(changes: Partial<RunnerRecord>): { sets: string; values: (string | number | null)[] } {
  const sets: string[] = [];
  const values: (string | number | null)[] = [];
  for (const [field, value] of Object.entries(changes)) {
    const column = runnerColumns[field as keyof RunnerRecord] as string | undefined;
    if (column === undefined || field === 'id') {
      throw new Error(`runner field "${field}" cannot be changed`);
    }
    sets.push(`${column} = ?`);
    values.push(toColumn(value));
  }
  return { sets: sets.join(', '), values };
}

/** Merges an incoming workflow job into the stored one without moving its state back. */
function mergeWorkflowJob(stored: WorkflowJobRecord, incoming: WorkflowJobRecord): WorkflowJobRecord {
  if (!isWorkflowJobMoveAllowed(stored.state, incoming.state)) {
    return {
      ...stored,
      startedAt: stored.startedAt ?? incoming.startedAt,
      runnerName: stored.runnerName ?? incoming.runnerName,
    };
  }
  return {
    ...incoming,
    startedAt: incoming.startedAt ?? stored.startedAt,
    completedAt: incoming.completedAt ?? stored.completedAt,
    conclusion: incoming.conclusion ?? stored.conclusion,
    runnerName: incoming.runnerName ?? stored.runnerName,
  };
}
