/**
 * Webhook deliveries of the GitHub stand-in: `workflow_job` payloads built from the
 * official examples in `@octokit/webhooks-examples`, signed with the webhook secret
 * and POSTed with the headers that GitHub sends.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { sign } from '@octokit/webhooks-methods';
import type { StandInJob } from './state.js';

type Payload = Record<string, unknown>;

// The package's entry point is a JSON file, which `require` loads without an import attribute.
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

/** Returns a copy of the first official `workflow_job` example with `action`, preferring one with an installation. */
function exampleOf(action: string): Payload {
  const definition = examples.find((entry) => entry.name === 'workflow_job');
  const candidates = (definition?.examples ?? []) as unknown as Payload[];
  const example =
    candidates.find((entry) => entry.action === action && entry.installation !== undefined) ??
    candidates.find((entry) => entry.action === action);
  if (!example) throw new Error(`@octokit/webhooks-examples has no workflow_job example with action ${action}`);
  return structuredClone(example);
}

/** Fields of a new workflow job that the scenario chooses. */
export interface NewJobOptions {
  id: number;
  runId: number;
  /** `owner/name`. */
  repository: string;
  installationId: number;
  labels: string[];
  name: string;
  workflowName: string;
  /** The stand-in's API base URL, used in the `url` fields. */
  apiUrl: string;
}

/** Creates a queued workflow job from the official `queued` example. */
export function newWorkflowJob(options: NewJobOptions): StandInJob {
  const template = exampleOf('queued').workflow_job as StandInJob['payload'];
  const repoUrl = `${options.apiUrl}/repos/${options.repository}`;
  const now = new Date().toISOString();

  const payload: StandInJob['payload'] = {
    ...template,
    id: options.id,
    run_id: options.runId,
    run_url: `${repoUrl}/actions/runs/${options.runId}`,
    url: `${repoUrl}/actions/jobs/${options.id}`,
    check_run_url: `${repoUrl}/check-runs/${options.id}`,
    html_url: `https://github.invalid/${options.repository}/actions/runs/${options.runId}/job/${options.id}`,
    name: options.name,
    workflow_name: options.workflowName,
    labels: options.labels,
    status: 'queued',
    conclusion: null,
    created_at: now,
    started_at: now,
    completed_at: null,
    steps: [],
    runner_id: null,
    runner_name: null,
    runner_group_id: null,
    runner_group_name: null,
  };
  return { repository: options.repository, installationId: options.installationId, payload };
}

/** Builds the body of a `workflow_job` delivery with the job's current state. */
export function buildWorkflowJobPayload(action: 'queued' | 'in_progress' | 'completed', job: StandInJob, apiUrl: string): Payload {
  const example = exampleOf(action);
  const [owner = '', name = ''] = job.repository.split('/');
  const repository = example.repository as Payload & { owner: Payload };

  return {
    ...example,
    action,
    workflow_job: structuredClone(job.payload),
    repository: {
      ...repository,
      name,
      full_name: job.repository,
      url: `${apiUrl}/repos/${job.repository}`,
      owner: { ...repository.owner, login: owner, url: `${apiUrl}/users/${owner}` },
    },
    installation: { id: job.installationId, node_id: `demo-installation-${job.installationId}` },
  };
}

/** The outcome of one delivery. */
export interface DeliveryResult {
  deliveryId: string;
  status: number;
  body: string;
}

/** A delivery to send. */
export interface Delivery {
  url: string;
  secret: string;
  event: string;
  payload: Payload;
  appId: number;
  deliveryId?: string;
}

/** Signs the payload with the secret and POSTs it as GitHub does; network errors are thrown. */
export async function sendDelivery({ url, secret, event, payload, appId, deliveryId = randomUUID() }: Delivery): Promise<DeliveryResult> {
  const body = JSON.stringify(payload);
  const signature = await sign(secret, body);

  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/gha-slurm-demo',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': signature,
      'x-github-hook-id': '1',
      'x-github-hook-installation-target-type': 'integration',
      'x-github-hook-installation-target-id': String(appId),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { deliveryId, status: response.status, body: await response.text() };
}
