import type { RunnerRecord, WorkflowJobRecord } from '../dispatch/types.js';
import type { DeliveryRecord } from './types.js';

type Row = Record<string, unknown>;

/** Column of each runner field, in the order of the `runners` table. */
export const runnerColumns = {
  id: 'id',
  pool: 'pool',
  cluster: 'cluster',
  clusterUser: 'cluster_user',
  repository: 'repository',
  installationId: 'installation_id',
  requestedFor: 'requested_for',
  workflowJobId: 'workflow_job_id',
  state: 'state',
  slurmJobId: 'slurm_job_id',
  runnerName: 'runner_name',
  githubRunnerId: 'github_runner_id',
  attempts: 'attempts',
  notBefore: 'not_before',
  lastError: 'last_error',
  endReason: 'end_reason',
  createdAt: 'created_at',
  submittedAt: 'submitted_at',
  configuredAt: 'configured_at',
  busyAt: 'busy_at',
  endedAt: 'ended_at',
} as const satisfies Record<keyof RunnerRecord, string>;

/** Converts a record value to what SQLite stores: dates as epoch milliseconds, `undefined` as NULL. */
export function toColumn(value: unknown): string | number | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (value instanceof Date) {
    return value.getTime();
  }
  if (typeof value === 'string' || typeof value === 'number') {
    return value;
  }
  throw new TypeError(`cannot store a value of type ${typeof value}`);
}

function optionalDate(value: unknown): Date | undefined {
  return typeof value === 'number' ? new Date(value) : undefined;
}

function optional<T>(value: unknown): T | undefined {
  return value === null || value === undefined ? undefined : (value as T);
}

/** Drops keys whose value is `undefined`, so that records compare equal to what callers stored. */
function compact<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

export function toDelivery(row: Row): DeliveryRecord {
  return compact({
    deliveryId: row.delivery_id as string,
    event: row.event as string,
    action: optional<string>(row.action),
    receivedAt: new Date(row.received_at as number),
    body: row.body as string,
    processedAt: optionalDate(row.processed_at),
    error: optional<string>(row.error),
  });
}

export function toWorkflowJob(row: Row): WorkflowJobRecord {
  return compact({
    workflowJobId: row.workflow_job_id as number,
    runId: row.run_id as number,
    repository: row.repository as string,
    installationId: row.installation_id as number,
    labels: JSON.parse(row.labels as string) as string[],
    pool: row.pool as string,
    state: row.state as WorkflowJobRecord['state'],
    createdAt: new Date(row.created_at as number),
    startedAt: optionalDate(row.started_at),
    completedAt: optionalDate(row.completed_at),
    conclusion: optional<string>(row.conclusion),
    runnerName: optional<string>(row.runner_name),
  });
}

/** Converts a workflow job to named parameters for its INSERT or UPDATE. */
export function workflowJobParameters(job: WorkflowJobRecord): Record<string, string | number | null> {
  return {
    workflow_job_id: job.workflowJobId,
    run_id: job.runId,
    repository: job.repository,
    installation_id: job.installationId,
    labels: JSON.stringify(job.labels),
    pool: job.pool,
    state: job.state,
    created_at: toColumn(job.createdAt),
    started_at: toColumn(job.startedAt),
    completed_at: toColumn(job.completedAt),
    conclusion: toColumn(job.conclusion),
    runner_name: toColumn(job.runnerName),
  };
}

const runnerDateFields = new Set(['notBefore', 'createdAt', 'submittedAt', 'configuredAt', 'busyAt', 'endedAt']);

export function toRunner(row: Row): RunnerRecord {
  const record: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(runnerColumns)) {
    const value = row[column];
    if (value === null || value === undefined) {
      continue;
    }
    record[field] = runnerDateFields.has(field) ? new Date(value as number) : value;
  }
  return record as unknown as RunnerRecord;
}
