/** Webhook deliveries for tests: official example payloads, with overrides, signed like GitHub signs them. */
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples/api.github.com/index.json' with { type: 'json' };

export type WorkflowJobAction = 'queued' | 'in_progress' | 'completed' | 'waiting';

/** Every `workflow_job` example of `@octokit/webhooks-examples`, unchanged. */
export const workflowJobExamples: Record<string, unknown>[] = (
  (examples as { name: string; examples: Record<string, unknown>[] }[]).find((entry) => entry.name === 'workflow_job')?.examples ?? []
).map((example) => structuredClone(example));

export interface WorkflowJobOverrides {
  workflowJobId?: number;
  runId?: number;
  labels?: string[];
  /** `owner/name`. */
  repository?: string;
  installationId?: number;
  runnerName?: string | null;
  conclusion?: string | null;
  createdAt?: string;
  startedAt?: string;
  completedAt?: string | null;
}

/**
 * Builds a `workflow_job` payload for `action` from the example that carries an
 * installation (the completed one gets installation 3456996 added), then applies `overrides`.
 */
export function workflowJobPayload(action: WorkflowJobAction, overrides: WorkflowJobOverrides = {}): Record<string, unknown> {
  const example =
    workflowJobExamples.find((candidate) => candidate.action === action && candidate.installation) ??
    workflowJobExamples.find((candidate) => candidate.action === action);
  if (!example) {
    throw new Error(`no workflow_job example with action ${action} in @octokit/webhooks-examples`);
  }

  const payload = structuredClone(example) as {
    workflow_job: Record<string, unknown>;
    repository: Record<string, unknown> & { owner: Record<string, unknown> };
    installation?: Record<string, unknown>;
  };
  const job = payload.workflow_job;
  job.created_at ??= job.started_at;
  payload.installation ??= { id: 3456996, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMzQ1Njk5Ng==' };

  if (overrides.workflowJobId !== undefined) job.id = overrides.workflowJobId;
  if (overrides.runId !== undefined) job.run_id = overrides.runId;
  if (overrides.labels !== undefined) job.labels = overrides.labels;
  if (overrides.runnerName !== undefined) job.runner_name = overrides.runnerName;
  if (overrides.conclusion !== undefined) job.conclusion = overrides.conclusion;
  if (overrides.createdAt !== undefined) job.created_at = overrides.createdAt;
  if (overrides.startedAt !== undefined) job.started_at = overrides.startedAt;
  if (overrides.completedAt !== undefined) job.completed_at = overrides.completedAt;
  if (overrides.installationId !== undefined) payload.installation.id = overrides.installationId;
  if (overrides.repository !== undefined) {
    const [owner, name] = overrides.repository.split('/');
    payload.repository.full_name = overrides.repository;
    payload.repository.name = name;
    payload.repository.owner.login = owner;
  }
  return payload;
}

/** A delivery as GitHub sends it: the exact body bytes and the headers a receiver checks. */
export interface SignedDelivery {
  deliveryId: string;
  body: string;
  headers: Record<string, string>;
}

/** Serialises `payload` and signs it with `secret` (`x-hub-signature-256`). */
export async function signedDelivery(
  payload: unknown,
  secret: string,
  options: { event?: string; deliveryId?: string } = {},
): Promise<SignedDelivery> {
  const body = JSON.stringify(payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  return {
    deliveryId,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/test',
      'x-github-event': options.event ?? 'workflow_job',
      'x-github-delivery': deliveryId,
      'x-github-hook-id': '1',
      'x-hub-signature-256': await sign(secret, body),
    },
  };
}

/** Signs a `workflow_job` payload built by `workflowJobPayload`. */
export async function signedWorkflowJob(
  action: WorkflowJobAction,
  secret: string,
  overrides: WorkflowJobOverrides = {},
  deliveryId?: string,
): Promise<SignedDelivery> {
  return signedDelivery(workflowJobPayload(action, overrides), secret, { deliveryId });
}
