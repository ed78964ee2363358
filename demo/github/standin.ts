/**
 * The GitHub stand-in: a Koa server on 127.0.0.1 that serves gha-slurm's REST calls
 * as GitHub would, keeps its state in memory, and plays GitHub's `workflow_job`
 * webhooks as the runner stand-in takes and finishes jobs.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import type { Timeline } from '../timeline.js';
import { buildWorkflowJobPayload, newWorkflowJob, sendDelivery, type DeliveryResult, type NewJobOptions } from './deliveries.js';
import { createDemoRouter } from './demo-routes.js';
import { errorBodies } from './http.js';
import { createApiRouter } from './routes.js';
import { StandInState, type StandInJob, type StandInRunner } from './state.js';

/** Settings of the stand-in. */
export interface GitHubStandInOptions {
  appId: number;
  /** Public half of the App's key, to verify the App JWTs that gha-slurm signs. */
  publicKey: KeyObject;
  /** Repository (`owner/name`) → installation id. */
  repositories: ReadonlyMap<string, number>;
  timeline: Timeline;
  /** File that receives one line per API call. */
  apiLogFile: string;
  /** Names the demo job of a new runner, for the timeline (`job 1`), or `github`. */
  labelForRunner: (runner: StandInRunner) => string;
}

/** A running GitHub stand-in. */
export class GitHubStandIn {
  readonly state: StandInState;
  private webhook?: { url: string; secret: string };
  private readonly labels = new Map<number, string>();
  private server?: Server;

  private constructor(private readonly options: GitHubStandInOptions) {
    this.state = new StandInState([...new Set(options.repositories.values())]);
  }

  /** Starts the stand-in on 127.0.0.1 on a free port. */
  static async start(options: GitHubStandInOptions): Promise<GitHubStandIn> {
    const standIn = new GitHubStandIn(options);
    await standIn.listen();
    return standIn;
  }

  /** Base URL, used as gha-slurm's `github.apiUrl`. */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('The GitHub stand-in is not listening; call GitHubStandIn.start first');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Sets where deliveries go; called once gha-slurm listens. */
  setWebhookTarget(url: string, secret: string): void {
    this.webhook = { url, secret };
  }

  /** Creates a queued workflow job and delivers `workflow_job.queued`; the job's clock starts here. */
  async queueJob(label: string, options: Omit<NewJobOptions, 'apiUrl'>): Promise<DeliveryResult> {
    const job = newWorkflowJob({ ...options, apiUrl: this.url });
    this.state.jobs.set(job.payload.id, job);
    this.labels.set(job.payload.id, label);
    this.options.timeline.startClock(label);
    return this.deliver('queued', job);
  }

  /** Cancels a queued workflow job as GitHub does when a run is cancelled: `completed` with `cancelled`. */
  async cancelJob(workflowJobId: number): Promise<DeliveryResult> {
    const job = this.jobOrThrow(workflowJobId);
    this.state.completeJob(job, 'cancelled');
    return this.deliver('completed', job);
  }

  /** Lets the runner that runs `workflowJobId` finish it with `conclusion`. */
  allowFinish(workflowJobId: number, conclusion = 'success'): void {
    this.jobOrThrow(workflowJobId).finish = conclusion;
  }

  /** Returns the demo job label of a workflow job, or `github` when unknown. */
  labelOf(workflowJobId: number): string {
    return this.labels.get(workflowJobId) ?? 'github';
  }

  /** Stops listening; open connections are closed. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Sends a delivery with the job's current state and records it on the timeline. */
  private async deliver(action: 'queued' | 'in_progress' | 'completed', job: StandInJob): Promise<DeliveryResult> {
    if (!this.webhook) throw new Error('The GitHub stand-in has no webhook target; call setWebhookTarget first');

    const label = this.labelOf(job.payload.id);
    const deliveryId = randomUUID();
    const detail = action === 'completed' ? ` (${job.payload.conclusion})` : '';
    this.options.timeline.record({ job: label, step: `delivery-sent-${action}`, text: `delivery sent: workflow_job.${action}${detail}, delivery ${deliveryId.slice(0, 8)}` });

    const payload = buildWorkflowJobPayload(action, job, this.url);
    const result = await sendDelivery({ ...this.webhook, event: 'workflow_job', payload, appId: this.options.appId, deliveryId });
    this.options.timeline.record({
      job: label,
      step: `delivery-answered-${action}`,
      text: `  answered HTTP ${result.status}`,
      data: { ...result },
    });
    return result;
  }

  private jobOrThrow(workflowJobId: number): StandInJob {
    const job = this.state.jobs.get(workflowJobId);
    if (!job) throw new Error(`The GitHub stand-in has no workflow job ${workflowJobId}`);
    return job;
  }

  private async listen(): Promise<void> {
    const app = new Koa();
    const { timeline, apiLogFile } = this.options;

    app.use(async (ctx, next) => {
      try {
        await next();
      } finally {
        const line = `${new Date().toISOString()} ${ctx.method} ${ctx.url} ${ctx.status}`;
        appendFileSync(apiLogFile, `${line}\n`);
        if (!ctx.path.startsWith('/_demo/')) {
          timeline.record({ job: 'github', step: 'api-call', text: `GitHub API ${ctx.method} ${ctx.path} -> ${ctx.status}`, quiet: true });
        }
      }
    });
    app.use(errorBodies((error) => timeline.record({ job: 'github', step: 'stand-in-error', text: `GitHub stand-in failed: ${String(error)}` })));

    const api = createApiRouter(this.state, {
      appId: this.options.appId,
      appSlug: 'gha-slurm-demo',
      publicKey: this.options.publicKey,
      repositories: this.options.repositories,
      baseUrl: () => this.url,
      onJitConfig: (runner) => {
        const label = this.options.labelForRunner(runner);
        timeline.record({ job: label, step: 'jit-config', text: `JIT config issued: runner ${runner.name} (GitHub runner id ${runner.id})`, data: { runnerName: runner.name } });
      },
    });
    const demo = createDemoRouter(this.state, {
      timeline,
      labelOf: (id) => this.labelOf(id),
      deliver: (action, job) => this.deliver(action, job),
    });
    app.use(api.routes()).use(api.allowedMethods()).use(demo.routes());

    this.server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      this.server?.once('listening', resolve).once('error', reject);
    });
  }
}
