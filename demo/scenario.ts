/**
 * The demo's story, step by step: job 1 goes from GitHub's `queued` delivery to
 * its Slurm job COMPLETED; job 2 is cancelled on GitHub while its Slurm job is
 * still pending, and gha-slurm cancels the Slurm job. Every step is awaited on
 * the timeline with a bounded wait.
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
  labels: JobLabels;
  stepTimeoutMs: number;
}

/** Outcome of the scenario, for the closing summary. */
export interface ScenarioResult {
  firstSlurmJobId: number;
  secondSlurmJobId: number;
  secondState: string;
}

/** Maps Slurm jobs and runners to the demo's job labels, for the timeline. */
export class JobLabels {
  private readonly bySlurmJob = new Map<number, string>();

  constructor(private readonly timeline: Timeline) {}

  add(slurmJobId: number, label: string): void {
    this.bySlurmJob.set(slurmJobId, label);
  }

  /** Labels a callback by its Slurm job id, else the one running job still without a runner. */
  forSlurmJob(slurmJobId: number | undefined): string {
    const known = slurmJobId === undefined ? undefined : this.bySlurmJob.get(slurmJobId);
    return known ?? this.onlyRunningWithoutRunner();
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

/** Runs both jobs; throws StepTimeoutError naming the step that did not happen. */
export async function runScenario(context: ScenarioContext): Promise<ScenarioResult> {
  const { timeline, standIn, watcher, labels, stepTimeoutMs } = context;
  const wait = (label: string, step: string, description: string, filter?: (event: TimelineEvent) => boolean) =>
    timeline.waitFor(label, step, description, stepTimeoutMs, filter);
  const stateIs = (...states: string[]) => (event: TimelineEvent) => states.includes(String(event.data?.state));
  const ended = (event: TimelineEvent) => event.data?.ended === true;
  const base = Math.floor(Date.now() / 1000) * 10;

  // Job 1: the whole life of a workflow job on Slurm.
  const first = { label: 'job 1', id: base + 1, ...demoRepositories.first };
  const queued = await standIn.queueJob(first.label, jobOptions(first, base));
  expectAccepted(first.label, 'queued', queued);
  watcher.follow(first.label, first.user, first.id);

  const firstSubmitted = await wait(first.label, 'slurm-submitted', 'gha-slurm to submit the Slurm job');
  const firstSlurmJobId = Number(firstSubmitted.data?.jobId);
  labels.add(firstSlurmJobId, first.label);
  await wait(first.label, 'slurm-state', `Slurm job ${firstSlurmJobId} to start running`, stateIs('RUNNING'));
  await wait(first.label, 'callback', `Slurm job ${firstSlurmJobId} to call back for its runner configuration`);
  const answer = await wait(first.label, 'callback-answered', 'gha-slurm to answer the callback');
  if (answer.data?.status !== 200) throw new Error(`${first.label}: gha-slurm responded to the callback with HTTP ${String(answer.data?.status)}`);
  await wait(first.label, 'jit-config', 'gha-slurm to request a JIT runner configuration from GitHub');
  await wait(first.label, 'runner-took-job', 'the runner stand-in to come online and take the job');
  expectAccepted(first.label, 'in_progress', resultOf(await wait(first.label, 'delivery-answered-in_progress', 'the in_progress delivery')));

  // Job 2: cancelled on GitHub while slurmctld still keeps its job pending.
  const second = { label: 'job 2', id: base + 2, ...demoRepositories.second };
  expectAccepted(second.label, 'queued', await standIn.queueJob(second.label, jobOptions(second, base)));
  watcher.follow(second.label, second.user, second.id);

  const secondSubmitted = await wait(second.label, 'slurm-submitted', 'gha-slurm to submit the Slurm job');
  const secondSlurmJobId = Number(secondSubmitted.data?.jobId);
  labels.add(secondSlurmJobId, second.label);
  await wait(second.label, 'slurm-state', `Slurm job ${secondSlurmJobId} to be pending`, stateIs('PENDING'));
  expectAccepted(second.label, 'completed', await standIn.cancelJob(second.id));
  const secondEnd = await wait(second.label, 'slurm-state', `gha-slurm to cancel Slurm job ${secondSlurmJobId}`, ended);

  // Job 1 ends: the runner finishes, GitHub reports completion, the Slurm job completes.
  standIn.allowFinish(first.id, 'success');
  await wait(first.label, 'runner-finished', 'the runner stand-in to finish the job');
  expectAccepted(first.label, 'completed', resultOf(await wait(first.label, 'delivery-answered-completed', 'the completed delivery')));
  const firstEnd = await wait(first.label, 'slurm-state', `Slurm job ${firstSlurmJobId} to end`, ended);
  if (firstEnd.data?.state !== 'COMPLETED') {
    throw new Error(`${first.label}: Slurm job ${firstSlurmJobId} ended ${String(firstEnd.data?.state)}, not COMPLETED; see its log in the job's working folder`);
  }

  return { firstSlurmJobId, secondSlurmJobId, secondState: String(secondEnd.data?.state) };
}

function jobOptions(job: { id: number; repository: string; labels: readonly string[]; label: string }, base: number) {
  return {
    id: job.id,
    runId: base,
    repository: job.repository,
    installationId: demoInstallationId,
    labels: [...job.labels],
    name: job.label === 'job 1' ? 'test' : 'analyse',
    workflowName: 'CI on Slurm',
  };
}
