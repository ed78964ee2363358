import type { Database } from 'better-sqlite3';

/** One schema change; applied once, in order, inside a transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema history. Append new migrations at the end and never edit an
 * applied one: stores in the field already recorded its version.
 * Timestamps are epoch milliseconds; label lists are JSON arrays.
 */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'create deliveries, workflow jobs and runners',
    sql: `
      CREATE TABLE deliveries (
        delivery_id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        action TEXT,
        received_at INTEGER NOT NULL,
        body TEXT NOT NULL,
        processed_at INTEGER,
        error TEXT
      );
      CREATE INDEX deliveries_unprocessed ON deliveries (received_at) WHERE processed_at IS NULL;

      CREATE TABLE workflow_jobs (
        workflow_job_id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL,
        repository TEXT NOT NULL,
        installation_id INTEGER NOT NULL,
        labels TEXT NOT NULL,
        pool TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        completed_at INTEGER,
        conclusion TEXT,
        runner_name TEXT
      );
      CREATE INDEX workflow_jobs_state_pool ON workflow_jobs (state, pool);

      CREATE TABLE runners (
        id TEXT PRIMARY KEY,
        pool TEXT NOT NULL,
        cluster TEXT NOT NULL,
        cluster_user TEXT NOT NULL,
        repository TEXT NOT NULL,
        installation_id INTEGER NOT NULL,
        requested_for INTEGER NOT NULL,
        workflow_job_id INTEGER,
        state TEXT NOT NULL,
        slurm_job_id INTEGER,
        runner_name TEXT,
        github_runner_id INTEGER,
        attempts INTEGER NOT NULL,
        not_before INTEGER,
        last_error TEXT,
        end_reason TEXT,
        created_at INTEGER NOT NULL,
        submitted_at INTEGER,
        configured_at INTEGER,
        busy_at INTEGER,
        ended_at INTEGER
      );
      CREATE INDEX runners_state_pool ON runners (state, pool);
      CREATE INDEX runners_requested_for ON runners (requested_for);
      -- Not unique: Slurm hands out a job id again after its state is wiped or MaxJobId wraps,
      -- and the runner name is built from it.
      CREATE INDEX runners_slurm_job ON runners (cluster, slurm_job_id) WHERE slurm_job_id IS NOT NULL;
      CREATE INDEX runners_name ON runners (runner_name) WHERE runner_name IS NOT NULL;
    `,
  },
];

/**
 * Applies the migrations that `db` has not seen yet and returns the schema version.
 *
 * @throws Error when the database was written by a newer gha-slurm.
 */
export function migrate(db: Database, location: string, list: Migration[] = migrations): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);

  const latest = list.at(-1)?.version ?? 0;
  const current = (db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null }).version ?? 0;
  if (current > latest) {
    throw new Error(
      `store ${location} has schema version ${current}, newer than version ${latest} that this gha-slurm supports; upgrade gha-slurm or point store.path at another file`,
    );
  }

  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of list) {
    if (migration.version <= current) {
      continue;
    }
    // IMMEDIATE takes the write lock first, so two processes starting on one file cannot both apply a version.
    db.transaction(() => {
      const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (done) {
        return;
      }
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }).immediate();
  }
  return latest;
}
