/**
 * Demo-only endpoints under `/_demo/` that the runner stand-in calls in place of
 * the Actions service protocol: take a job, ask whether to finish, report the end.
 */
import { Router } from '@koa/router';
import type { Timeline } from '../timeline.js';
import type { DeliveryResult } from './deliveries.js';
import { GitHubError } from './auth.js';
import { readJson } from './http.js';
import type { StandInJob, StandInRunner, StandInState } from './state.js';

/** Dependencies of the demo routes on the stand-in. */
export interface DemoRouteOptions {
  timeline: Timeline;
  labelOf: (workflowJobId: number) => string;
  deliver: (action: 'in_progress' | 'completed', job: StandInJob) => Promise<DeliveryResult>;
}

const conclusions = new Set(['success', 'failure', 'cancelled']);

/** Builds the router of the runner stand-in's endpoints. */
export function createDemoRouter(state: StandInState, options: DemoRouteOptions): Router {
  const router = new Router({ prefix: '/_demo/runners/:name' });

  const runnerOf = (name: string | undefined): StandInRunner => {
    const runner = name === undefined ? undefined : state.runnerByName(name);
    if (!runner) throw new GitHubError(404, `No runner named ${name ?? ''} is registered; request a JIT configuration first`);
    return runner;
  };
  const jobOf = (runner: StandInRunner): StandInJob => {
    const job = runner.workflowJobId === undefined ? undefined : state.jobs.get(runner.workflowJobId);
    if (!job) throw new GitHubError(409, `Runner ${runner.name} has no job; take one first`);
    return job;
  };

  // The runner comes online and takes the oldest matching queued job; 204 when none waits.
  router.post('/take', async (ctx) => {
    const runner = runnerOf(ctx.params.name);
    if (runner.busy) throw new GitHubError(409, `Runner ${runner.name} already runs workflow job ${runner.workflowJobId}`);

    runner.status = 'online';
    const job = state.assignJob(runner);
    if (!job) {
      ctx.status = 204;
      return;
    }

    options.timeline.record({
      job: options.labelOf(job.payload.id),
      step: 'runner-took-job',
      text: `runner ${runner.name} online, took workflow job ${job.payload.id}`,
      data: { runnerName: runner.name },
    });
    await options.deliver('in_progress', job);
    ctx.body = { workflow_job_id: job.payload.id, name: job.payload.name };
  });

  // The runner polls here while it "runs" the job.
  router.get('/job', (ctx) => {
    const job = jobOf(runnerOf(ctx.params.name));
    ctx.body = job.finish === undefined ? { state: 'running' } : { state: 'finish', conclusion: job.finish };
  });

  router.post('/finished', async (ctx) => {
    const runner = runnerOf(ctx.params.name);
    const job = jobOf(runner);
    const { conclusion } = await readJson(ctx);
    if (typeof conclusion !== 'string' || !conclusions.has(conclusion)) {
      throw new GitHubError(422, `Invalid conclusion ${JSON.stringify(conclusion)}; use success, failure or cancelled`);
    }

    options.timeline.record({ job: options.labelOf(job.payload.id), step: 'runner-finished', text: `runner ${runner.name} finished the job: ${conclusion}` });
    state.completeJob(job, conclusion);
    await options.deliver('completed', job);
    ctx.body = { workflow_job_id: job.payload.id };
  });

  return router;
}
