/**
 * In-memory state of the GitHub stand-in: installation tokens, runners and workflow
 * jobs, with the assignment rule that GitHub applies (a runner takes the oldest
 * queued job whose labels it carries) and ephemeral runners removed after one job.
 */
import { randomBytes } from 'node:crypto';

/** A self-hosted runner, as GitHub's REST API returns it. */
export interface StandInRunner {
  id: number;
  name: string;
  os: string;
  status: 'online' | 'offline';
  busy: boolean;
  ephemeral: boolean;
  labels: { id: number; name: string; type: 'read-only' | 'custom' }[];
  runner_group_id: number;
  /** `owner/name` for a repository runner, `owner` for an organisation runner. */
  scope: string;
  /** The workflow job it took, once busy. */
  workflowJobId?: number;
}

/** A workflow job: the `workflow_job` object of the webhook payloads, kept up to date. */
export interface StandInJob {
  repository: string;
  installationId: number;
  /** The `workflow_job` object, as the REST API and the webhooks return it. */
  payload: Record<string, unknown> & {
    id: number;
    labels: string[];
    status: string;
    conclusion: string | null;
    runner_name: string | null;
  };
  /** Conclusion that the runner stand-in is to finish with, once the scenario allows it. */
  finish?: string;
}

const readOnlyLabels = new Set(['self-hosted', 'linux', 'windows', 'macos', 'x64', 'arm64', 'arm']);

/** The stand-in's whole state. */
export class StandInState {
  readonly runners = new Map<number, StandInRunner>();
  readonly jobs = new Map<number, StandInJob>();
  private readonly tokens = new Map<string, { installationId: number; expiresAt: Date }>();
  private nextRunnerId = 1;
  private nextLabelId = 1;

  constructor(readonly installationIds: readonly number[]) {}

  /** Issues an installation access token that expires in one hour, as GitHub's do. */
  issueToken(installationId: number): { token: string; expiresAt: Date } {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + 3600_000);
    this.tokens.set(token, { installationId, expiresAt });
    return { token, expiresAt };
  }

  /** Returns the installation of a valid, unexpired token, or undefined. */
  installationOfToken(token: string): number | undefined {
    const entry = this.tokens.get(token);
    if (!entry || entry.expiresAt.getTime() <= Date.now()) return undefined;
    return entry.installationId;
  }

  /** Registers a new ephemeral runner; returns undefined when the name is taken in `scope`. */
  addRunner(scope: string, name: string, labels: string[], runnerGroupId: number): StandInRunner | undefined {
    for (const runner of this.runners.values()) {
      if (runner.scope === scope && runner.name === name) return undefined;
    }

    const runner: StandInRunner = {
      id: this.nextRunnerId++,
      name,
      os: 'unknown',
      status: 'offline',
      busy: false,
      ephemeral: true,
      // GitHub adds the default labels of a self-hosted runner to the custom ones requested.
      labels: [...new Set(['self-hosted', 'Linux', 'X64', ...labels])].map((label) => ({
        id: this.nextLabelId++,
        name: label,
        type: readOnlyLabels.has(label.toLowerCase()) ? 'read-only' : 'custom',
      })),
      runner_group_id: runnerGroupId,
      scope,
    };
    this.runners.set(runner.id, runner);
    return runner;
  }

  /** Finds a runner by name; names are unique per scope, and the demo uses one scope per repository. */
  runnerByName(name: string): StandInRunner | undefined {
    return [...this.runners.values()].find((runner) => runner.name === name);
  }

  /** Returns the runners visible in `scope`: a repository's own and its organisation's. */
  runnersIn(scope: string): StandInRunner[] {
    const owner = scope.split('/')[0];
    return [...this.runners.values()].filter((runner) => runner.scope === scope || runner.scope === owner);
  }

  /**
   * Gives `runner` the oldest queued job of its scope whose labels it all carries,
   * as GitHub does; returns undefined when none is waiting.
   */
  assignJob(runner: StandInRunner): StandInJob | undefined {
    const carried = new Set(runner.labels.map((label) => label.name.toLowerCase()));
    const candidates = [...this.jobs.values()].filter(
      (job) =>
        job.payload.status === 'queued' &&
        (job.repository === runner.scope || job.repository.split('/')[0] === runner.scope) &&
        job.payload.labels.every((label) => carried.has(label.toLowerCase())),
    );
    const job = candidates.sort((a, b) => a.payload.id - b.payload.id)[0];
    if (!job) return undefined;

    runner.status = 'online';
    runner.busy = true;
    runner.workflowJobId = job.payload.id;
    job.payload.status = 'in_progress';
    job.payload.started_at = new Date().toISOString();
    job.payload.runner_id = runner.id;
    job.payload.runner_name = runner.name;
    job.payload.runner_group_id = runner.runner_group_id;
    return job;
  }

  /** Ends `job` with `conclusion`; an ephemeral runner that ran it is removed, as GitHub does. */
  completeJob(job: StandInJob, conclusion: string): void {
    job.payload.status = 'completed';
    job.payload.conclusion = conclusion;
    job.payload.completed_at = new Date().toISOString();

    const runnerId = job.payload.runner_id;
    if (typeof runnerId === 'number') {
      const runner = this.runners.get(runnerId);
      if (runner?.ephemeral) this.runners.delete(runnerId);
    }
  }
}

/** Renders a runner as GitHub's REST API does, without the stand-in's own fields. */
export function runnerToJson(runner: StandInRunner): Record<string, unknown> {
  return {
    id: runner.id,
    name: runner.name,
    os: runner.os,
    status: runner.status,
    busy: runner.busy,
    ephemeral: runner.ephemeral,
    labels: runner.labels,
    runner_group_id: runner.runner_group_id,
  };
}
