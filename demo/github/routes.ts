/**
 * The GitHub REST endpoints that gha-slurm calls, served with the status codes
 * and JSON shapes that GitHub documents: the App, installation tokens, JIT runner
 * configurations, runners (repository and organisation) and workflow jobs.
 */
import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { Router, type RouterContext } from '@koa/router';
import { credentialOf, GitHubError, verifyAppJwt } from './auth.js';
import { idParam, readJson } from './http.js';
import { runnerToJson, type StandInRunner, type StandInState } from './state.js';

/** Settings of the routes besides the state. */
export interface RouteOptions {
  appId: number;
  appSlug: string;
  publicKey: KeyObject;
  /** Repository (`owner/name`) → installation id. */
  repositories: ReadonlyMap<string, number>;
  /** Base URL of the stand-in, written into JIT configurations. */
  baseUrl: () => string;
  /** Called when a JIT configuration was issued. */
  onJitConfig: (runner: StandInRunner) => void;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

/** Encodes a JIT configuration as the runner expects it: base64 JSON of its three files. */
function encodeJitConfig(runner: StandInRunner, baseUrl: string, workFolder: string): string {
  return b64({
    '.runner': b64({
      agentId: runner.id,
      agentName: runner.name,
      poolId: runner.runner_group_id,
      serverUrl: baseUrl,
      gitHubUrl: `${baseUrl}/${runner.scope}`,
      workFolder,
      ephemeral: true,
    }),
    '.credentials': b64({ scheme: 'OAuthAccessToken', data: { token: randomBytes(24).toString('hex') } }),
    '.credentials_rsaparams': b64({ d: randomBytes(32).toString('base64') }),
  });
}

/** Checks a JIT configuration request body; throws 422 with GitHub's wording. */
function parseJitRequest(body: Record<string, unknown>): { name: string; labels: string[]; runnerGroupId: number; workFolder: string } {
  const { name, labels, runner_group_id: runnerGroupId, work_folder: workFolder = '_work' } = body;
  if (typeof name !== 'string' || name.length === 0) throw new GitHubError(422, 'Invalid request.\n\n"name" wasn\'t supplied.');
  if (typeof runnerGroupId !== 'number' || !Number.isInteger(runnerGroupId)) {
    throw new GitHubError(422, 'Invalid request.\n\n"runner_group_id" wasn\'t supplied.');
  }
  if (!Array.isArray(labels) || labels.length === 0 || labels.length > 100 || !labels.every((l) => typeof l === 'string' && l !== '')) {
    throw new GitHubError(422, 'Invalid request.\n\n"labels" must be an array of 1 to 100 non-empty strings.');
  }
  if (typeof workFolder !== 'string') throw new GitHubError(422, 'Invalid request.\n\n"work_folder" must be a string.');
  return { name, labels: labels as string[], runnerGroupId, workFolder };
}

/** Builds the router of the REST endpoints over `state`. */
export function createApiRouter(state: StandInState, options: RouteOptions): Router {
  const router = new Router();

  const requireApp = async (ctx: RouterContext): Promise<void> => {
    await verifyAppJwt(credentialOf(ctx.get('authorization')), options.publicKey, options.appId);
  };

  // An installation token reaches only its own installation's repositories and owners. GitHub returns 404 for the rest.
  const requireScope = (ctx: RouterContext): string => {
    const installationId = state.installationOfToken(credentialOf(ctx.get('authorization')));
    if (installationId === undefined) throw new GitHubError(401, 'Bad credentials');

    const { owner, repo, org } = ctx.params as Record<string, string | undefined>;
    const scope = org ?? `${owner}/${repo}`;
    const reachable = [...options.repositories].some(
      ([repository, id]) => id === installationId && (repository === scope || repository.split('/')[0] === scope),
    );
    if (!reachable) throw new GitHubError(404, 'Not Found');
    return scope;
  };

  router.get('/app', async (ctx) => {
    await requireApp(ctx);
    ctx.body = { id: options.appId, slug: options.appSlug, name: options.appSlug, owner: { login: 'demo-org' }, events: ['workflow_job'] };
  });

  router.get('/app/installations', async (ctx) => {
    await requireApp(ctx);
    ctx.body = state.installationIds.map((id) => ({
      id,
      account: { login: 'demo-org', type: 'Organization' },
      target_type: 'Organization',
      app_id: options.appId,
      repository_selection: 'all',
    }));
  });

  router.post('/app/installations/:id/access_tokens', async (ctx) => {
    await requireApp(ctx);
    const installationId = idParam(ctx.params.id);
    if (!state.installationIds.includes(installationId)) throw new GitHubError(404, 'Not Found');

    const { token, expiresAt } = state.issueToken(installationId);
    ctx.status = 201;
    ctx.body = {
      token,
      expires_at: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      permissions: { actions: 'read', administration: 'write', metadata: 'read', organization_self_hosted_runners: 'write' },
      repository_selection: 'all',
    };
  });

  for (const prefix of ['/repos/:owner/:repo', '/orgs/:org']) {
    router.post(`${prefix}/actions/runners/generate-jitconfig`, async (ctx) => {
      const scope = requireScope(ctx);
      const request = parseJitRequest(await readJson(ctx));
      const runner = state.addRunner(scope, request.name, request.labels, request.runnerGroupId);
      if (!runner) throw new GitHubError(409, `Already exists - A runner with the name ${request.name} already exists.`);

      options.onJitConfig(runner);
      ctx.status = 201;
      ctx.body = { runner: runnerToJson(runner), encoded_jit_config: encodeJitConfig(runner, options.baseUrl(), request.workFolder) };
    });

    router.get(`${prefix}/actions/runners`, (ctx) => {
      const scope = requireScope(ctx);
      const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30) || 30, 1), 100);
      const page = Math.max(Number(ctx.query.page ?? 1) || 1, 1);
      const name = typeof ctx.query.name === 'string' ? ctx.query.name : undefined;

      const runners = state.runnersIn(scope).filter((runner) => name === undefined || runner.name === name);
      ctx.body = { total_count: runners.length, runners: runners.slice((page - 1) * perPage, page * perPage).map(runnerToJson) };
    });

    router.get(`${prefix}/actions/runners/:id`, (ctx) => {
      const scope = requireScope(ctx);
      const runner = state.runners.get(idParam(ctx.params.id));
      if (!runner || !state.runnersIn(scope).includes(runner)) throw new GitHubError(404, 'Not Found');
      ctx.body = runnerToJson(runner);
    });

    router.delete(`${prefix}/actions/runners/:id`, (ctx) => {
      const scope = requireScope(ctx);
      const runner = state.runners.get(idParam(ctx.params.id));
      if (!runner || !state.runnersIn(scope).includes(runner)) throw new GitHubError(404, 'Not Found');
      if (runner.busy) throw new GitHubError(422, `Bad request - Runner "${runner.name}" is still running a job`);

      state.runners.delete(runner.id);
      ctx.status = 204;
    });
  }

  router.get('/repos/:owner/:repo/actions/jobs/:id', (ctx) => {
    const scope = requireScope(ctx);
    const job = state.jobs.get(idParam(ctx.params.id));
    if (!job || job.repository !== scope) throw new GitHubError(404, 'Not Found');
    ctx.body = job.payload;
  });

  return router;
}
