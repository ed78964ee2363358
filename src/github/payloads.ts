import { z } from 'zod';

import { formatPath } from '../config/errors.js';
import type { WorkflowJobEvent } from '../dispatch/types.js';

/** A webhook payload that does not have the fields gha-slurm needs. */
export class PayloadError extends Error {
  readonly deliveryId: string;
  /** Each problem as `path: message`. */
  readonly problems: string[];

  constructor(deliveryId: string, problems: string[]) {
    super(`workflow_job delivery ${deliveryId} is malformed: ${problems.join('; ')}`);
    this.name = 'PayloadError';
    this.deliveryId = deliveryId;
    this.problems = problems;
  }
}

const timestamp = z.iso.datetime({ offset: true });
const optionalText = z.string().nullish();

const workflowJobPayload = z.object({
  action: z.enum(['queued', 'in_progress', 'completed', 'waiting']),
  workflow_job: z.object({
    id: z.number().int().positive(),
    run_id: z.number().int().positive(),
    labels: z.array(z.string()),
    // Payloads from before mid-2021 had no `created_at`, so `started_at` is used instead.
    created_at: timestamp.nullish(),
    started_at: timestamp.nullish(),
    completed_at: timestamp.nullish(),
    conclusion: optionalText,
    runner_name: optionalText,
    workflow_name: optionalText,
    name: optionalText,
    head_branch: optionalText,
  }),
  repository: z.object({ full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/) }),
  installation: z.object(
    { id: z.number().int().positive() },
    { error: (issue) => (issue.input === undefined ? 'required: the delivery did not come from a GitHub App installation' : undefined) },
  ),
});

/**
 * Translates a `workflow_job` webhook payload into the project's own event.
 * `payload` is the parsed JSON body.
 *
 * @throws PayloadError listing every missing or invalid field with its path.
 */
export function parseWorkflowJobEvent(deliveryId: string, payload: unknown): WorkflowJobEvent {
  const result = workflowJobPayload.safeParse(payload);
  if (!result.success) {
    throw new PayloadError(deliveryId, result.error.issues.map((issue) => `${formatPath(issue.path) || 'payload'}: ${issue.message}`));
  }

  const { action, workflow_job: job, repository, installation } = result.data;
  const created = job.created_at ?? job.started_at;
  if (!created) {
    throw new PayloadError(deliveryId, ['workflow_job.created_at: required']);
  }

  const event: WorkflowJobEvent = {
    deliveryId,
    action,
    workflowJobId: job.id,
    runId: job.run_id,
    repository: repository.full_name,
    installationId: installation.id,
    labels: job.labels.map((label) => label.toLowerCase()),
    createdAt: new Date(created),
  };
  // GitHub fills `started_at` already on `queued`, and some `queued` examples carry a
  // runner name; both describe a runner only from `in_progress` on.
  const started = action === 'in_progress' || action === 'completed';
  if (started && job.started_at) {
    event.startedAt = new Date(job.started_at);
  }
  if (started && job.runner_name) {
    event.runnerName = job.runner_name;
  }
  if (action === 'completed') {
    if (job.completed_at) {
      event.completedAt = new Date(job.completed_at);
    }
    if (job.conclusion) {
      event.conclusion = job.conclusion;
    }
  }
  if (job.workflow_name) {
    event.workflowName = job.workflow_name;
  }
  if (job.name) {
    event.jobName = job.name;
  }
  if (job.head_branch) {
    event.headBranch = job.head_branch;
  }
  return event;
}
