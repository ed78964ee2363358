import type { Config, PoolConfig } from '../config/types.js';
import type { JobDescription, SlurmJob } from '../slurm/types.js';
import type { RunnerRecord, WorkflowJobRecord } from './types.js';

const defaultPath = '/usr/local/bin:/usr/bin:/bin';
const maxJobNameLength = 100;
/** The first word of every comment gha-slurm writes, so its jobs stand out in `squeue`. */
const commentPrefix = 'gha-slurm';

/** The inputs of the batch job of one runner. */
export interface JobInput {
  config: Config;
  pool: PoolConfig;
  runner: RunnerRecord;
  workflowJob: WorkflowJobRecord;
  /** The batch script text, used verbatim. */
  script: string;
  launchToken: string;
}

/**
 * Builds the Slurm batch job for a runner. Payload fields (repository, labels,
 * branch) reach only the job name and comment, reduced to safe characters.
 * The script is used verbatim and every value it needs travels in the
 * environment, so no payload text can become shell code.
 */
export function buildJobDescription(input: JobInput): JobDescription {
  const { config, pool, runner, workflowJob } = input;
  const repository = safeText(runner.repository);

  return {
    name: jobName(runner, workflowJob),
    comment: `${commentPrefix} repo=${repository} run=${workflowJob.runId} job=${workflowJob.workflowJobId} ${runnerTag(runner.id)}`,
    script: input.script,
    environment: buildEnvironment(config, pool, input.launchToken),
    workingDirectory: config.runner.workDir.replaceAll('%u', runner.clusterUser),
    stdout: 'gha-slurm-%j.log',
    stderr: 'gha-slurm-%j.log',
    nodes: 1,
    cpusPerTask: pool.cpus,
    memoryMb: pool.memoryMb,
    timeLimitMinutes: pool.timeLimitMinutes,
    partition: pool.partition,
    account: pool.account,
    qos: pool.qos,
    gres: pool.gres,
    constraint: pool.constraint,
  };
}

/**
 * Returns whether gha-slurm submitted a Slurm job for `runner`. The job must run
 * as the runner's cluster user, its comment must contain the runner's tag as a
 * whole word, and its name must be the one that {@link buildJobDescription} gives.
 */
export function isRunnerJob(job: SlurmJob, runner: RunnerRecord, workflowJob: WorkflowJobRecord): boolean {
  const words = (job.comment ?? '').split(/\s+/);
  return (
    job.userName === runner.clusterUser &&
    words[0] === commentPrefix &&
    words.includes(runnerTag(runner.id)) &&
    job.name === jobName(runner, workflowJob)
  );
}

function runnerTag(runnerId: string): string {
  return `runner=${runnerId}`;
}

function jobName(runner: RunnerRecord, workflowJob: WorkflowJobRecord): string {
  const repository = safeText(runner.repository);
  return `gha-${repository.replaceAll('/', '-')}-${workflowJob.workflowJobId}`.slice(0, maxJobNameLength);
}

/** Builds the job's environment; gha-slurm's own variables win over a pool's entries of the same name. */
export function buildEnvironment(config: Config, pool: PoolConfig, launchToken: string): Record<string, string> {
  return {
    PATH: defaultPath,
    ...pool.environment,
    GHA_SLURM_CALLBACK_URL: config.runner.callbackUrl,
    GHA_SLURM_LAUNCH_TOKEN: launchToken,
    GHA_SLURM_RUNNER_DIR: config.runner.installDir,
  };
}

/** Reduces text to the characters GitHub allows in repository names, so it reads the same in every Slurm tool. */
function safeText(text: string): string {
  return text.replace(/[^A-Za-z0-9._/-]/g, '_');
}
