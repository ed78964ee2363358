/**
 * A fake GitHub API for msw, with in-memory state that tests inspect, and signed
 * webhook deliveries built from the official example payloads.
 */
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { jwtVerify } from 'jose';
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { SetupServerApi } from 'msw/node';

export * from './github-payloads.js';

/** Base URL of the fake API: loopback, so a request that msw misses still stays on this machine. */
export const fakeGitHubUrl = 'http://127.0.0.1:9/api/v3';

/** Generates an RSA key for a test App, as PKCS#1 PEM like the key GitHub hands out. */
export function createAppKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

export interface FakeRunner {
  id: number;
  name: string;
  labels: string[];
  runnerGroupId: number;
  workFolder?: string;
  /** `repos/OWNER/NAME` or `orgs/ORG`. */
  target: string;
  status: 'online' | 'offline';
  busy: boolean;
}

export interface FakeWorkflowJob {
  status: string;
  conclusion?: string;
  runnerName?: string;
}

/** A failure the next matching requests receive instead of the normal reply. */
export interface InjectedFailure {
  operation: string;
  status: number;
  headers?: Record<string, string>;
  message?: string;
  /** How many requests fail; 1 when omitted. */
  times?: number;
}

/** The fake's state; tests read and change it directly. */
export interface FakeGitHubState {
  appId: number;
  /** Installations the App has; every id is accepted when empty. */
  installations: { id: number; account: string }[];
  runners: Map<number, FakeRunner>;
  workflowJobs: Map<number, FakeWorkflowJob>;
  /** Every request in arrival order, with its operation, method, path and JSON body. */
  requests: { operation: string; method: string; path: string; body?: unknown }[];
  issuedTokens: number;
  failures: InjectedFailure[];
  nextRunnerId: number;
  /** `x-ratelimit-remaining` sent on every reply. */
  rateLimitRemaining: number;
  /** Lists all runners regardless of `?name=`, as a server without that filter would. */
  ignoreRunnerNameFilter: boolean;
}

export interface FakeGitHub {
  state: FakeGitHubState;
  handlers: HttpHandler[];
  /** Makes the next `times` requests of `operation` fail with `status`. */
  failNext(failure: InjectedFailure): void;
  /** Requests of one operation, in order. */
  requestsOf(operation: string): FakeGitHubState['requests'];
}

/** Creates the handlers and state of a fake GitHub API for the App whose private key is `privateKey`. */
export function createFakeGitHub(options: { appId: number; privateKey: string; baseUrl?: string }): FakeGitHub {
  const base = (options.baseUrl ?? fakeGitHubUrl).replace(/\/+$/, '');
  const publicKey = createPublicKey(options.privateKey);
  const tokens = new Map<string, number>();
  const state: FakeGitHubState = {
    appId: options.appId,
    installations: [],
    runners: new Map(),
    workflowJobs: new Map(),
    requests: [],
    issuedTokens: 0,
    failures: [],
    nextRunnerId: 1000,
    rateLimitRemaining: 4999,
    ignoreRunnerNameFilter: false,
  };

  const headers = () => ({ 'x-ratelimit-remaining': String(state.rateLimitRemaining), 'x-ratelimit-limit': '5000' });
  const json = (body: unknown, status = 200) => HttpResponse.json(body as Record<string, unknown>, { status, headers: headers() });
  const error = (status: number, message: string, extra: Record<string, string> = {}) =>
    HttpResponse.json({ message, documentation_url: 'https://docs.github.com/rest' }, { status, headers: { ...headers(), ...extra } });

  /** Records the request, then returns an injected failure or an authentication error, if any. */
  async function intercept(operation: string, request: Request, auth: 'app' | 'installation'): Promise<Response | undefined> {
    const path = new URL(request.url).pathname.slice(new URL(base).pathname.length);
    const body = request.method === 'POST' ? await request.clone().json().catch(() => undefined) : undefined;
    state.requests.push({ operation, method: request.method, path, body });

    const failure = state.failures.find((candidate) => candidate.operation === operation);
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) {
        state.failures.splice(state.failures.indexOf(failure), 1);
      }
      return error(failure.status, failure.message ?? `injected ${failure.status}`, failure.headers);
    }

    const authorization = request.headers.get('authorization') ?? '';
    if (auth === 'app') {
      const jwt = authorization.replace(/^bearer /i, '');
      // GitHub's App JWTs carry the App id as a number in `iss`, which jose's `issuer` option does not accept.
      const valid = await jwtVerify(jwt, publicKey).then(
        ({ payload }) => String(payload.iss) === String(state.appId),
        () => false,
      );
      return valid ? undefined : error(401, 'A JSON web token could not be decoded');
    }
    const token = authorization.replace(/^token /i, '');
    return tokens.has(token) ? undefined : error(401, 'Bad credentials');
  }

  const knownInstallation = (id: number) => state.installations.length === 0 || state.installations.some((item) => item.id === id);

  const runnerTarget = (params: Record<string, string | readonly string[] | undefined>) =>
    params.org ? `orgs/${String(params.org)}` : `repos/${String(params.owner)}/${String(params.repo)}`;

  const generateJitConfig = async ({ request, params }: { request: Request; params: Record<string, string | readonly string[] | undefined> }) => {
    const failed = await intercept('generateJitConfig', request, 'installation');
    if (failed) return failed;

    const body = (await request.json()) as { name?: string; runner_group_id?: number; labels?: string[]; work_folder?: string };
    const target = runnerTarget(params);
    if (!body.name || body.runner_group_id === undefined || !Array.isArray(body.labels) || body.labels.length === 0) {
      return error(422, 'Invalid request: name, runner_group_id and labels are required');
    }
    if ([...state.runners.values()].some((runner) => runner.target === target && runner.name === body.name)) {
      return error(409, `Already exists - A runner with the name ${body.name} already exists.`);
    }

    const runner: FakeRunner = {
      id: state.nextRunnerId++,
      name: body.name,
      labels: body.labels,
      runnerGroupId: body.runner_group_id,
      workFolder: body.work_folder,
      target,
      status: 'offline',
      busy: false,
    };
    state.runners.set(runner.id, runner);
    const encoded = Buffer.from(JSON.stringify({ runnerId: runner.id, name: runner.name })).toString('base64');
    return json({ runner: describeRunner(runner), encoded_jit_config: encoded }, 201);
  };

  const listRunners = async ({ request, params }: { request: Request; params: Record<string, string | readonly string[] | undefined> }) => {
    const failed = await intercept('listRunners', request, 'installation');
    if (failed) return failed;

    const query = new URL(request.url).searchParams;
    const name = state.ignoreRunnerNameFilter ? null : query.get('name');
    const target = runnerTarget(params);
    const runners = [...state.runners.values()].filter((runner) => runner.target === target && (name === null || runner.name === name));
    return json({ total_count: runners.length, runners: page(runners, query).map(describeRunner) });
  };

  const deleteRunner = async ({ request, params }: { request: Request; params: Record<string, string | readonly string[] | undefined> }) => {
    const failed = await intercept('deleteRunner', request, 'installation');
    if (failed) return failed;

    const runner = state.runners.get(Number(params.runner_id));
    if (!runner || runner.target !== runnerTarget(params)) {
      return error(404, 'Not Found');
    }
    if (runner.busy) {
      return error(422, 'Bad request - Runner is still running a job');
    }
    state.runners.delete(runner.id);
    return new HttpResponse(null, { status: 204, headers: headers() });
  };

  const handlers = [
    http.post(`${base}/app/installations/:installationId/access_tokens`, async ({ request, params }) => {
      const failed = await intercept('getInstallationToken', request, 'app');
      if (failed) return failed;
      if (!knownInstallation(Number(params.installationId))) {
        return error(404, 'Not Found');
      }
      const token = `ghs_${randomUUID().replaceAll('-', '')}`;
      tokens.set(token, Number(params.installationId));
      state.issuedTokens += 1;
      return json({ token, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: {}, repository_selection: 'all' }, 201);
    }),
    http.get(`${base}/app`, async ({ request }) => {
      const failed = await intercept('getApp', request, 'app');
      if (failed) return failed;
      return json({ id: state.appId, slug: 'gha-slurm-test', name: 'gha-slurm test' });
    }),
    http.get(`${base}/app/installations`, async ({ request }) => {
      const failed = await intercept('listInstallations', request, 'app');
      if (failed) return failed;
      const installations = page(state.installations, new URL(request.url).searchParams);
      return json(installations.map((item) => ({ id: item.id, account: { login: item.account }, target_type: 'Organization' })));
    }),
    http.post(`${base}/repos/:owner/:repo/actions/runners/generate-jitconfig`, generateJitConfig),
    http.post(`${base}/orgs/:org/actions/runners/generate-jitconfig`, generateJitConfig),
    http.get(`${base}/repos/:owner/:repo/actions/runners`, listRunners),
    http.get(`${base}/orgs/:org/actions/runners`, listRunners),
    http.delete(`${base}/repos/:owner/:repo/actions/runners/:runner_id`, deleteRunner),
    http.delete(`${base}/orgs/:org/actions/runners/:runner_id`, deleteRunner),
    http.get(`${base}/repos/:owner/:repo/actions/jobs/:job_id`, async ({ request, params }) => {
      const failed = await intercept('getWorkflowJob', request, 'installation');
      if (failed) return failed;
      const job = state.workflowJobs.get(Number(params.job_id));
      if (!job) {
        return error(404, 'Not Found');
      }
      return json({ id: Number(params.job_id), status: job.status, conclusion: job.conclusion ?? null, runner_name: job.runnerName ?? null });
    }),
  ];

  return {
    state,
    handlers,
    failNext(failure) {
      state.failures.push({ ...failure });
    },
    requestsOf(operation) {
      return state.requests.filter((request) => request.operation === operation);
    },
  };
}

/** Slices a listing by `page` and `per_page` (default 30), as GitHub pages its lists. */
function page<T>(items: T[], query: URLSearchParams): T[] {
  const perPage = Number(query.get('per_page') ?? 30);
  const pageNumber = Number(query.get('page') ?? 1);
  return items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
}

function describeRunner(runner: FakeRunner) {
  return {
    id: runner.id,
    name: runner.name,
    os: 'unknown',
    status: runner.status,
    busy: runner.busy,
    labels: runner.labels.map((name, index) => ({ id: index + 1, name, type: name === 'self-hosted' ? 'read-only' : 'custom' })),
  };
}

/**
 * msw's `onUnhandledRequest` for tests that also call their own servers on
 * loopback: those pass through, and anything else fails the test.
 */
export function rejectUnhandledExceptLoopback(request: Request, print: { error(): void }): void {
  const url = new URL(request.url);
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (!loopback || request.url.startsWith(fakeGitHubUrl)) {
    print.error();
  }
}

/** Starts `server` with the fake's handlers for the lifetime of one test file. */
export function listenStrict(server: SetupServerApi): void {
  server.listen({ onUnhandledRequest: rejectUnhandledExceptLoopback });
}
