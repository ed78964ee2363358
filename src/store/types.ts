import type { RunnerRecord, RunnerState, WorkflowJobRecord, WorkflowJobState } from '../dispatch/types.js';

/** The outcome of recording a webhook delivery. */
export type DeliveryRecordResult = 'recorded' | 'duplicate';

export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  action?: string;
  receivedAt: Date;
  /** The raw body, kept so that a crash before processing loses nothing. */
  body: string;
  processedAt?: Date;
  error?: string;
}

/** Rows deleted by `Store.prune`, per kind. */
export interface PruneResult {
  deliveries: number;
  workflowJobs: number;
  runners: number;
}

/**
 * Durable state behind one interface. Every state change of a runner goes through
 * the store before the outside world is touched. Updates that would move a state
 * backwards are rejected: they return false and change nothing.
 */
export interface Store {
  /** Records a delivery durably; a delivery id seen before returns `duplicate`. */
  recordDelivery(delivery: Omit<DeliveryRecord, 'processedAt' | 'error'>): DeliveryRecordResult;
  markDeliveryProcessed(deliveryId: string, error?: string): void;
  /** Deliveries recorded but not processed, oldest first, for resumption after a restart. */
  unprocessedDeliveries(): DeliveryRecord[];

  /** Inserts a workflow job or moves it forward; returns the stored record. */
  upsertWorkflowJob(job: WorkflowJobRecord): WorkflowJobRecord;
  getWorkflowJob(workflowJobId: number): WorkflowJobRecord | undefined;
  listWorkflowJobs(filter: { state?: WorkflowJobState; pool?: string }): WorkflowJobRecord[];

  insertRunner(runner: RunnerRecord): void;
  getRunner(id: string): RunnerRecord | undefined;
  getRunnerByName(runnerName: string): RunnerRecord | undefined;
  getRunnerBySlurmJob(cluster: string, slurmJobId: number): RunnerRecord | undefined;
  listRunners(filter: { states?: RunnerState[]; pool?: string; requestedFor?: number }): RunnerRecord[];
  /**
   * Applies `changes` only when the runner is in one of `from`; returns whether it did.
   * This compare-and-set makes a launch token single-use and keeps states moving forward.
   */
  transitionRunner(id: string, from: RunnerState[], changes: Partial<RunnerRecord> & { state: RunnerState }): boolean;
  /** Changes fields that are not the state (attempts, backoff, errors). */
  updateRunner(id: string, changes: Partial<Omit<RunnerRecord, 'id' | 'state'>>): void;

  /**
   * Deletes what can no longer change: processed deliveries received before `before`,
   * completed workflow jobs completed before it, and runners that ended before it.
   * Returns how many rows of each kind were deleted.
   */
  prune(before: Date): PruneResult;

  /** Checks whether the store responds to a query, for `/readyz`. */
  isHealthy(): boolean;
  close(): void;
}
