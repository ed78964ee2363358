/**
 * The demo's story, step by step. Job 1 goes from GitHub's `queued` delivery to
 * its Slurm job COMPLETED. Job 2 is cancelled on GitHub as soon as its Slurm job
 * shows up, usually still pending, and gha-slurm cancels the Slurm job. Every
 * step is awaited on the timeline with a bounded wait.
 */
import type { DeliveryResult } from './github/deliveries.js';
import type { GitHubStandIn } from './github/standin.js';
import type { StandInRunner } from './github/state.js';
import { demoInstallationId, demoRepositories } from './service-config.js';
import type { SlurmWatcher } from './slurm-watcher.js';
import type { Timeline, TimelineEvent } from './timeline.js';

/** Components that the scenario drives and observes. */
export interface ScenarioContext {
  timeline: Timeline;
  standIn: GitHubStandIn;
  watcher: SlurmWatcher;
  stepTimeoutMs: number;
}

/** Outcome of job 2's Slurm job. */
export interface SecondJobOutcome {
  slurmJobId: number;
  /** The state the watcher last saw when the cancellation was sent, usually `PENDING`. */
  stateAtCancel: string;
  /** The final state: `CANCELLED`. */
  state: string;
}

/** Outcome of the scenario, for the closing summary. */
export interface ScenarioResult {
  firstSlurmJobId: number;
  second: SecondJobOutcome;
}

/** Maps Slurm jobs and runners to the demo's job labels, for the timeline. */
export class JobLabels {
  private readonly bySlurmJob = new Map<number, string>();
  private readonly waiters = new Map<number, (label: string) => void>();

  constructor(private readonly timeline: Timeline) {}

  /** Records that `slurmJobId` runs demo job `label`. */
  add(slurmJobId: number, label: string): void {
    this.bySlurmJob.set(slurmJobId, label);
    this.waiters.get(slurmJobId)?.(label);
    this.waiters.delete(slurmJobId);
  }

  /**
   * Labels a callback by its Slurm job id. The watcher finds a new job within a
   * poll interval, so a callback may arrive first and wait for it up to `timeoutMs`.
   * Without a known id, returns the one running job still without a runner.
   */
  async forSlurmJob(slurmJobId: number | undefined, timeoutMs = 5000): Promise<string> {
    if (slurmJobId === undefined) return this.onlyRunningWithoutRunner();
    const known = this.bySlurmJob.get(slurmJobId);
    if (known) return known;

    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(slurmJobId);
        resolve(this.onlyRunningWithoutRunner());
      }, timeoutMs);
      this.waiters.set(slurmJobId, (label) => {
        clearTimeout(timer);
        resolve(label);
      });
    });
  }

  /** Labels a runner by the Slurm job id that gha-slurm puts at the end of its name (`<prefix>-<cluster>-<id>`). */
  forRunner(runner: StandInRunner): string {
    for (const [slurmJobId, label] of this.bySlurmJob) {
      if (runner.name.endsWith(`-${slurmJobId}`)) return label;
    }
    return this.onlyRunningWithoutRunner();
  }

  private onlyRunningWithoutRunner(): string {
    const running = [...new Set(this.bySlurmJob.values())].filter((label) => this.timeline.has(label, 'slurm-state') && !this.timeline.has(label, 'jit-config'));
    return running.length === 1 ? running[0]! : 'github';
  }
}

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

function expectAccepted(label: string, what: string, result: DeliveryResult): void {
  if (!isSuccess(result.status)) {
    throw new Error(`${label}: gha-slurm responded HTTP ${result.status} to the ${what} delivery ${result.deliveryId}: ${result.body.slice(0, 300)}`);
  }
}

/** Returns the delivery result that the stand-in put on a `delivery-answered-*` event. */
function resultOf(event: TimelineEvent): DeliveryResult {
  return event.data as unknown as DeliveryResult;
}

/** Waits for steps of the demo jobs, each within the step timeout. */
class Steps {
  /** Demo jobs whose Slurm job must not end yet, by label; an early end fails the current wait at once. */
  private readonly guarded = new Set<string>();

  constructor(
    private readonly timeline: Timeline,
    private readonly timeoutMs: number,
  ) {}

  /** Waits for `step` of `label`; rejects early when the job's Slurm job ends while it is guarded. */
  wait(label: string, step: string, description: string, filter?: (event: TimelineEvent) => boolean): Promise<TimelineEvent> {
    const waiting = this.timeline.waitFor(label, step, description, this.timeoutMs, filter);
    if (!this.guarded.has(label)) return waiting;

    const endedEarly = this.timeline.waitFor(label, 'slurm-state', description, this.timeoutMs + 1000, ended).then((event) => {
      throw new Error(`${label}: ${event.text} while waiting for ${description}; see the Slurm job's output in the kept logs`);
    });
    return Promise.race([waiting, endedEarly]);
  }

  guard(label: string): void {
    this.guarded.add(label);
  }

  unguard(label: string): void {
    this.guarded.delete(label);
  }
}

const ended = (event: TimelineEvent): boolean => event.data?.ended === true;
const stateIs = (state: string) => (event: TimelineEvent) => event.data?.state === state;

interface DemoJob {
  label: string;
  id: number;
  repository: string;
  user: string;
  labels: readonly string[];
}

/** Job 1 from its queued delivery until its runner took it and GitHub reported in_progress; returns its Slurm job id. */
async function startFirstJob(context: ScenarioContext, steps: Steps, job: DemoJob, runId: number): Promise<number> {
  expectAccepted(job.label, 'queued', await context.standIn.queueJob(job.label, jobOptions(job, runId)));
  context.watcher.follow(job.label, job.user, job.id);

  const submitted = await steps.wait(job.label, 'slurm-submitted', 'gha-slurm to submit the Slurm job');
  const slurmJobId = Number(submitted.data?.jobId);
  steps.guard(job.label);
  await steps.wait(job.label, 'slurm-state', `Slurm job ${slurmJobId} to start running`, stateIs('RUNNING'));
  await steps.wait(job.label, 'callback', `Slurm job ${slurmJobId} to call back for its runner configuration`);

  const answer = await steps.wait(job.label, 'callback-answered', 'gha-slurm to respond to the callback');
  if (answer.data?.status !== 200) {
    throw new Error(`${job.label}: gha-slurm's response to the callback was HTTP ${String(answer.data?.status)}; see gha-slurm's log`);
  }
  await steps.wait(job.label, 'jit-config', 'gha-slurm to request a JIT runner configuration from GitHub');
  await steps.wait(job.label, 'runner-took-job', 'the runner stand-in to come online and take the job');
  expectAccepted(job.label, 'in_progress', resultOf(await steps.wait(job.label, 'delivery-answered-in_progress', 'the in_progress delivery')));
  return slurmJobId;
}

/**
 * Job 2: queued, then cancelled on GitHub as soon as its Slurm job shows up, so
 * usually while slurmctld still has it pending. Returns its Slurm job id, the
 * state it had when the cancellation was sent, and its final state.
 */
async function cancelSecondJob(context: ScenarioContext, steps: Steps, job: DemoJob, runId: number): Promise<SecondJobOutcome> {
  expectAccepted(job.label, 'queued', await context.standIn.queueJob(job.label, jobOptions(job, runId)));
  context.watcher.follow(job.label, job.user, job.id);

  const submitted = await steps.wait(job.label, 'slurm-submitted', 'gha-slurm to submit the Slurm job');
  const slurmJobId = Number(submitted.data?.jobId);
  const seen = await steps.wait(job.label, 'slurm-state', `the state of Slurm job ${slurmJobId}`);
  const stateAtCancel = String(seen.data?.state);

  expectAccepted(job.label, 'completed', await context.standIn.cancelJob(job.id));
  const end = await steps.wait(job.label, 'slurm-state', `gha-slurm to cancel Slurm job ${slurmJobId}`, ended);
  const state = String(end.data?.state);
  if (state !== 'CANCELLED') throw new Error(`${job.label}: Slurm job ${slurmJobId} ended ${state}, not CANCELLED; see gha-slurm's log`);
  return { slurmJobId, stateAtCancel, state };
}

/** How long the runner stand-in "runs" job 1 at least, in milliseconds. */
const minimumRunMs = 3000;

/** Job 1 ends: the runner finishes, GitHub reports completion, and the Slurm job must end COMPLETED. */
async function finishFirstJob(context: ScenarioContext, steps: Steps, job: DemoJob, slurmJobId: number, startedAt: number): Promise<void> {
  const remainingMs = startedAt + minimumRunMs - performance.now();
  if (remainingMs > 0) await new Promise((resolve) => setTimeout(resolve, remainingMs));

  steps.unguard(job.label);
  context.standIn.allowFinish(job.id, 'success');
  await steps.wait(job.label, 'runner-finished', 'the runner stand-in to finish the job');
  expectAccepted(job.label, 'completed', resultOf(await steps.wait(job.label, 'delivery-answered-completed', 'the completed delivery')));

  const end = await steps.wait(job.label, 'slurm-state', `Slurm job ${slurmJobId} to end`, ended);
  if (end.data?.state !== 'COMPLETED') {
    throw new Error(`${job.label}: Slurm job ${slurmJobId} ended ${String(end.data?.state)}, not COMPLETED; see the Slurm job's output in the kept logs`);
  }
}

/** Runs both jobs; throws StepTimeoutError naming the step that did not happen, or an Error for a wrong outcome. */
export async function runScenario(context: ScenarioContext): Promise<ScenarioResult> {
  const steps = new Steps(context.timeline, context.stepTimeoutMs);
  // Workflow job ids grow with time, as GitHub's do, so a rerun never reuses one.
  const runId = Math.floor(Date.now() / 1000) * 10;
  const first: DemoJob = { label: 'job 1', id: runId + 1, ...demoRepositories.first };
  const second: DemoJob = { label: 'job 2', id: runId + 2, ...demoRepositories.second };

  const firstSlurmJobId = await startFirstJob(context, steps, first, runId);
  const firstStartedAt = performance.now();
  const secondOutcome = await cancelSecondJob(context, steps, second, runId);
  await finishFirstJob(context, steps, first, firstSlurmJobId, firstStartedAt);

  return { firstSlurmJobId, second: secondOutcome };
}

function jobOptions(job: DemoJob, runId: number) {
  return {
    id: job.id,
    runId,
    repository: job.repository,
    installationId: demoInstallationId,
    labels: [...job.labels],
    name: job.label === 'job 1' ? 'test' : 'analyse',
    workflowName: 'CI on Slurm',
  };
}
