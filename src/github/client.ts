import { App } from '@octokit/app';
import { Octokit } from '@octokit/core';

import type { GitHubConfig } from '../config/types.js';
import { silentLogger, type Logger } from '../log.js';
import { GitHubError } from './errors.js';
import { observingFetch, type GitHubHooks } from './observe.js';
import { defaultRetryPolicy, systemClock, withRetry, type RetryClock, type RetryPolicy } from './retry.js';
import type { AppIdentity, GitHubRunners, JitConfig, RegisteredRunner, RunnerScope, WorkflowJobStatus } from './types.js';

/** Options of the GitHub client beyond the configuration. */
export interface GitHubClientOptions extends GitHubHooks {
  /** Logger for retries and stale runner removal; pass a child with `area: 'github'`. */
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  clock?: RetryClock;
  /** Timeout of one HTTP request, in milliseconds. */
  requestTimeoutMs?: number;
  /** Runner work folder, relative to the runner's directory. */
  workFolder?: string;
  fetch?: typeof fetch;
}

/** GitHub's largest page size. */
const pageSize = 100;
/** Pages read at most per listing (5,000 entries), so that a server that keeps returning full pages cannot loop forever. */
const maxPages = 50;

type Target = { scope: 'repository'; owner: string; repo: string } | { scope: 'organization'; org: string };

/** Runner calls of the App, with installation tokens from `@octokit/app`. */
export class AppGitHubRunners implements GitHubRunners {
  private readonly app: App;
  private readonly logger: Logger;
  private readonly policy: RetryPolicy;
  private readonly clock: RetryClock;
  private readonly workFolder: string;

  constructor(
    private readonly config: Pick<GitHubConfig, 'appId' | 'privateKey' | 'apiUrl' | 'runnerGroupId' | 'runnerScope'>,
    options: GitHubClientOptions = {},
  ) {
    const ClientOctokit = Octokit.defaults({
      baseUrl: config.apiUrl,
      userAgent: 'gha-slurm',
      request: { fetch: observingFetch(options, withTimeout(options.requestTimeoutMs ?? 30_000, options.fetch)) },
    });
    // @octokit/core has no retry or throttling plugin, so `withRetry` is the one place that retries.
    // NOTE: @octokit/auth-app still retries a 401 on its own within seconds of creating an installation token.
    this.app = new App({ appId: config.appId, privateKey: config.privateKey, Octokit: ClientOctokit });
    this.logger = options.logger ?? silentLogger();
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.clock = options.clock ?? systemClock;
    this.workFolder = options.workFolder ?? '_work';
  }

  async createJitConfig(request: Parameters<GitHubRunners['createJitConfig']>[0]): Promise<JitConfig> {
    const target = this.target(request.repository, request.scope);
    // Unlike config.sh, JIT registration adds no default labels, so `self-hosted` is sent with the others.
    const body = {
      name: request.runnerName,
      runner_group_id: request.runnerGroupId ?? this.config.runnerGroupId,
      labels: ['self-hosted', ...request.labels.filter((label) => label.toLowerCase() !== 'self-hosted')],
      work_folder: this.workFolder,
    };

    try {
      return await this.generateJitConfig(request.installationId, request.repository, target, body);
    } catch (error) {
      if (!(error instanceof GitHubError) || error.status !== 409) {
        throw error;
      }
    }

    // A runner of this name exists: a previous attempt registered it and then lost the reply.
    const stale = await this.findRunnerByName(request);
    if (stale) {
      this.logger.info({ repository: request.repository, runnerName: request.runnerName, runnerId: stale.id }, 'removing stale runner with the same name');
      await this.deleteRunner({ ...request, runnerId: stale.id });
    }
    return this.generateJitConfig(request.installationId, request.repository, target, body);
  }

  async deleteRunner(request: { installationId: number; repository: string; runnerId: number; scope?: RunnerScope }): Promise<void> {
    const target = this.target(request.repository, request.scope);
    try {
      await this.call('deleteRunner', request.installationId, request.repository, (octokit) =>
        target.scope === 'repository'
          ? octokit.request('DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}', { owner: target.owner, repo: target.repo, runner_id: request.runnerId })
          : octokit.request('DELETE /orgs/{org}/actions/runners/{runner_id}', { org: target.org, runner_id: request.runnerId }),
      );
    } catch (error) {
      if (error instanceof GitHubError && error.status === 404) {
        return;
      }
      throw error;
    }
  }

  async findRunnerByName(request: { installationId: number; repository: string; runnerName: string; scope?: RunnerScope }): Promise<RegisteredRunner | undefined> {
    const target = this.target(request.repository, request.scope);
    // A server that ignores the `name` filter returns every runner, so the name is also compared here, page by page.
    for (let page = 1; page <= maxPages; page += 1) {
      const response = await this.call('listRunners', request.installationId, request.repository, (octokit) => {
        const query = { name: request.runnerName, per_page: pageSize, page };
        return target.scope === 'repository'
          ? octokit.request('GET /repos/{owner}/{repo}/actions/runners', { owner: target.owner, repo: target.repo, ...query })
          : octokit.request('GET /orgs/{org}/actions/runners', { org: target.org, ...query });
      });

      const runner = response.data.runners.find((candidate) => candidate.name === request.runnerName);
      if (runner) {
        return { id: runner.id, name: runner.name, status: runner.status, busy: runner.busy };
      }
      if (response.data.runners.length < pageSize) {
        return undefined;
      }
    }
    return undefined;
  }

  async getWorkflowJob(request: { installationId: number; repository: string; workflowJobId: number }): Promise<WorkflowJobStatus | undefined> {
    const { owner, repo } = splitRepository(request.repository);
    try {
      const response = await this.call('getWorkflowJob', request.installationId, request.repository, (octokit) =>
        octokit.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}', { owner, repo, job_id: request.workflowJobId }),
      );
      const job = response.data;
      return { status: job.status, conclusion: job.conclusion ?? undefined, runnerName: job.runner_name ?? undefined };
    } catch (error) {
      if (error instanceof GitHubError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  async verifyCredentials(): Promise<AppIdentity> {
    const app = await this.retry('getApp', undefined, () => this.app.octokit.request('GET /app', {}));

    const installations: AppIdentity['installations'] = [];
    for (let page = 1; page <= maxPages; page += 1) {
      const response = await this.retry('listInstallations', undefined, () =>
        this.app.octokit.request('GET /app/installations', { per_page: pageSize, page }),
      );
      for (const installation of response.data) {
        installations.push({ id: installation.id, account: accountName(installation.account), targetType: installation.target_type });
      }
      if (response.data.length < pageSize) {
        break;
      }
    }

    return { slug: app.data?.slug ?? '', name: app.data?.name ?? '', installations };
  }

  private generateJitConfig(installationId: number, repository: string, target: Target, body: JitRequestBody): Promise<JitConfig> {
    return this.call('generateJitConfig', installationId, repository, async (octokit) => {
      const response =
        target.scope === 'repository'
          ? await octokit.request('POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig', { owner: target.owner, repo: target.repo, ...body })
          : await octokit.request('POST /orgs/{org}/actions/runners/generate-jitconfig', { org: target.org, ...body });
      return { runnerId: response.data.runner.id, encodedJitConfig: response.data.encoded_jit_config };
    });
  }

  /** Runs one installation request with retries; the installation token is fetched (or reused) per attempt. */
  private call<T>(operation: string, installationId: number, repository: string, send: (octokit: Octokit) => Promise<T>): Promise<T> {
    return this.retry(operation, repository, async () => {
      const octokit = (await this.app.getInstallationOctokit(installationId)) as Octokit;
      return send(octokit);
    });
  }

  private retry<T>(operation: string, repository: string | undefined, call: () => Promise<T>): Promise<T> {
    return withRetry({ operation, repository, policy: this.policy, clock: this.clock, logger: this.logger }, call);
  }

  private target(repository: string, scope: RunnerScope = this.config.runnerScope): Target {
    const { owner, repo } = splitRepository(repository);
    return scope === 'organization' ? { scope, org: owner } : { scope, owner, repo };
  }
}

interface JitRequestBody {
  name: string;
  runner_group_id: number;
  labels: string[];
  work_folder: string;
}

/** Wraps `fetch` with a timeout per request, installation token requests included. */
function withTimeout(timeoutMs: number, inner?: typeof fetch): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    // msw replaces globalThis.fetch after this client may have been built, so it is read per call.
    return (inner ?? globalThis.fetch)(input, { ...init, signal });
  };
}

/** Returns an installation's account name: `login` of a user or organisation, `slug` of an enterprise. */
function accountName(account: unknown): string {
  const fields = (account ?? {}) as { login?: unknown; slug?: unknown };
  return String(fields.login ?? fields.slug ?? '');
}

/** Splits `owner/name`; anything else is a caller's mistake. */
function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new Error(`repository "${repository}" is not in the form owner/name`);
  }
  return { owner, repo };
}

/** Creates the GitHub client of the App described by `config`. */
export function createGitHubRunners(config: GitHubConfig, options: GitHubClientOptions = {}): AppGitHubRunners {
  return new AppGitHubRunners(config, options);
}
