/** A just-in-time runner configuration, as GitHub returns it. */
export interface JitConfig {
  /** GitHub's id of the registered runner, needed to remove it later. */
  runnerId: number;
  /** The opaque configuration that the runner reads from `ACTIONS_RUNNER_INPUT_JITCONFIG`. Secret. */
  encodedJitConfig: string;
}

/** Registration level of runners: the repository, or the organisation that owns it. */
export type RunnerScope = 'repository' | 'organization';

/** A self-hosted runner as GitHub lists it. */
export interface RegisteredRunner {
  id: number;
  name: string;
  /** `online` or `offline`. */
  status: string;
  busy: boolean;
}

/** A workflow job as GitHub reports it, for reconcile. */
export interface WorkflowJobStatus {
  /** `queued`, `in_progress`, `completed`, `waiting`, `requested` or `pending`. */
  status: string;
  conclusion?: string;
  runnerName?: string;
}

/** The App's identity and installations, as `verifyCredentials` reads them. */
export interface AppIdentity {
  slug: string;
  name: string;
  installations: { id: number; account: string; targetType: string }[];
}

/** The runner calls of the GitHub side, all through installation tokens of the App. */
export interface GitHubRunners {
  /**
   * Registers a JIT runner and returns its configuration. When a runner of that
   * name already exists (409), the stale one is removed and the request is sent once more.
   */
  createJitConfig(request: {
    installationId: number;
    repository: string;
    runnerName: string;
    labels: string[];
    runnerGroupId?: number;
    scope?: RunnerScope;
  }): Promise<JitConfig>;
  /** Removes a registered runner; a runner that no longer exists counts as removed. */
  deleteRunner(request: { installationId: number; repository: string; runnerId: number; scope?: RunnerScope }): Promise<void>;
  /** Finds a registered runner by its exact name. */
  findRunnerByName(request: {
    installationId: number;
    repository: string;
    runnerName: string;
    scope?: RunnerScope;
  }): Promise<RegisteredRunner | undefined>;
  /** Reads a workflow job's status; `undefined` when GitHub returns 404 for it. */
  getWorkflowJob(request: { installationId: number; repository: string; workflowJobId: number }): Promise<WorkflowJobStatus | undefined>;
  /** Checks the App id and private key, and lists the installations. */
  verifyCredentials(): Promise<AppIdentity>;
}
