import { pendingStates, coverageGroup } from './balance.js';
import { cancelRunner } from './cancel.js';
import { findPool, type DispatchContext } from './context.js';
import { runnerLabels } from './labels.js';
import { LaunchTokenError, verifyLaunchToken } from './launch-token.js';
import type { CallbackOutcome } from './observer.js';
import { launchTokenSettings } from './submit.js';
import type { RunnerRecord } from './types.js';

/**
 * The reply to a callback, by status code:
 * - 200: the runner is configured.
 * - 401: the token is missing, invalid or expired.
 * - 403: the token belongs to another Slurm job.
 * - 409: the token was used before.
 * - 410: the runner is no longer needed, and its Slurm job is cancelled when one is recorded.
 * - 502: GitHub failed, so the batch script retries with the same token.
 */
export type CallbackResult =
  | { status: 200; runnerName: string; encodedJitConfig: string }
  | { status: 401 | 403 | 409 | 410 | 502; outcome: CallbackOutcome; error: string };

/** The part of a callback that needs no lock: the token's runner id, or the rejection. */
export async function authenticateCallback(
  context: DispatchContext,
  token: string,
): Promise<{ runner: RunnerRecord } | Exclude<CallbackResult, { status: 200 }>> {
  let runnerId: string;
  try {
    runnerId = await verifyLaunchToken(launchTokenSettings(context), token, context.now());
  } catch (error) {
    if (error instanceof LaunchTokenError) {
      return { status: 401, outcome: 'invalid-token', error: error.message };
    }
    throw error;
  }

  const runner = context.store.getRunner(runnerId);
  if (!runner) {
    return { status: 410, outcome: 'not-needed', error: 'runner not found: gha-slurm no longer tracks this job' };
  }
  return { runner };
}

/**
 * Hands a Slurm job its JIT runner configuration. The caller holds the pool's
 * lock, so the state read here cannot change before the compare-and-set that
 * makes the token single use. The runner moves to `configured` only after GitHub
 * replied, so a GitHub failure leaves the token usable for the script's retry.
 */
export async function issueJitConfig(context: DispatchContext, runnerId: string, slurmJobId: number): Promise<CallbackResult> {
  const { store, logger, observer } = context;
  const runner = store.getRunner(runnerId);
  const log = logger.child({ runnerId, slurmJobId, pool: runner?.pool, cluster: runner?.cluster });

  const rejection = checkRunner(context, runner, slurmJobId);
  if (rejection) {
    observer.callback(rejection.outcome);
    log.info({ status: rejection.status, outcome: rejection.outcome }, 'callback rejected');
    if (rejection.outcome === 'not-needed' && runner && pendingStates.includes(runner.state)) {
      // The stored job id, never the reported one, so a token cannot cancel another job.
      await cancelRunner(context, runner, 'not-needed');
    }
    return rejection;
  }

  const current = runner!;
  const pool = findPool(context, current.pool)!;
  const runnerName = `${context.config.runner.namePrefix}-${current.cluster}-${slurmJobId}`;
  let jit;
  try {
    jit = await context.github.createJitConfig({
      installationId: current.installationId,
      repository: current.repository,
      runnerName,
      labels: runnerLabels(pool),
    });
  } catch (error) {
    observer.callback('github-error');
    log.warn({ err: error, runnerName }, 'github jit configuration failed; the batch script will retry');
    return { status: 502, outcome: 'github-error', error: 'GitHub did not return a runner configuration; retry later' };
  }

  const now = context.now();
  store.transitionRunner(current.id, ['requested', 'submitted'], {
    state: 'configured',
    slurmJobId,
    runnerName,
    githubRunnerId: jit.runnerId,
    configuredAt: now,
  });
  if (current.submittedAt) {
    observer.slurmPending(current.pool, current.cluster, (now.getTime() - current.submittedAt.getTime()) / 1000);
  }
  observer.callback('configured');
  log.info({ runnerName, githubRunnerId: jit.runnerId }, 'runner configured');
  return { status: 200, runnerName, encodedJitConfig: jit.encodedJitConfig };
}

function checkRunner(
  context: DispatchContext,
  runner: RunnerRecord | undefined,
  slurmJobId: number,
): Exclude<CallbackResult, { status: 200 }> | undefined {
  if (!runner || !findPool(context, runner.pool)) {
    return { status: 410, outcome: 'not-needed', error: 'runner not found: gha-slurm no longer tracks this job' };
  }
  if (runner.slurmJobId !== undefined && runner.slurmJobId !== slurmJobId) {
    return { status: 403, outcome: 'job-mismatch', error: `launch token belongs to Slurm job ${runner.slurmJobId}, not ${slurmJobId}` };
  }
  if (['configured', 'busy', 'done'].includes(runner.state)) {
    return { status: 409, outcome: 'already-used', error: 'launch token already used: each token configures one runner' };
  }
  if (runner.state === 'failed' || runner.state === 'cancelled') {
    return { status: 410, outcome: 'not-needed', error: `runner no longer needed: it is ${runner.state}` };
  }
  if (!stillNeeded(context, runner)) {
    return { status: 410, outcome: 'not-needed', error: 'runner no longer needed: no queued workflow job is waiting for it' };
  }
  return undefined;
}

/** Checks whether the runner's group has more queued jobs than runners already configured for them. */
function stillNeeded(context: DispatchContext, runner: RunnerRecord): boolean {
  const group = coverageGroup(context, runner.repository);
  const queued = context.store
    .listWorkflowJobs({ state: 'queued', pool: runner.pool })
    .filter((job) => coverageGroup(context, job.repository) === group);
  const configured = context.store
    .listRunners({ states: ['configured'], pool: runner.pool })
    .filter((other) => coverageGroup(context, other.repository) === group);
  return queued.length > configured.length;
}
