/** Report of one HTTP request to GitHub, passed to `onRequest`. */
export interface GitHubRequestEvent {
  /** `getApp`, `listInstallations`, `getInstallationToken`, `generateJitConfig`, `listRunners`, `deleteRunner`, `getWorkflowJob`, or `other`. */
  operation: string;
  /** HTTP status; undefined when no response arrived. */
  status?: number;
}

/** Hooks for metrics; the GitHub client imports no metrics library itself. */
export interface GitHubHooks {
  onRequest?: (event: GitHubRequestEvent) => void;
  /** Called with `x-ratelimit-remaining` from every response that carries it. */
  onRateLimit?: (remaining: number) => void;
}

const routes: [method: string, pattern: RegExp, operation: string][] = [
  ['GET', /\/app$/, 'getApp'],
  ['GET', /\/app\/installations$/, 'listInstallations'],
  ['POST', /\/app\/installations\/\d+\/access_tokens$/, 'getInstallationToken'],
  ['POST', /\/actions\/runners\/generate-jitconfig$/, 'generateJitConfig'],
  ['GET', /\/actions\/runners$/, 'listRunners'],
  ['GET', /\/actions\/runners\/\d+$/, 'getRunner'],
  ['DELETE', /\/actions\/runners\/\d+$/, 'deleteRunner'],
  ['GET', /\/actions\/jobs\/\d+$/, 'getWorkflowJob'],
];

/** Names the operation of a request from its method and URL path. */
export function operationOf(method: string, url: string): string {
  const path = new URL(url).pathname.replace(/\/+$/, '');
  const route = routes.find(([routeMethod, pattern]) => routeMethod === method.toUpperCase() && pattern.test(path));
  return route?.[2] ?? 'other';
}

/**
 * Wraps `fetch` so that every request to GitHub, the installation token requests
 * of `@octokit/auth-app` included, reaches the hooks exactly once per attempt.
 */
export function observingFetch(hooks: GitHubHooks, inner?: typeof fetch): typeof fetch {
  return async (input, init) => {
    let url: string;
    if (typeof input === 'string') {
      url = input;
    } else if (input instanceof URL) {
      url = input.href;
    } else {
      url = input.url;
    }
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const operation = operationOf(method, url);
    let response: Response;
    try {
      response = await (inner ?? globalThis.fetch)(input, init);
    } catch (error) {
      hooks.onRequest?.({ operation });
      throw error;
    }

    hooks.onRequest?.({ operation, status: response.status });
    const remaining = response.headers.get('x-ratelimit-remaining');
    if (remaining !== null && Number.isFinite(Number(remaining))) {
      hooks.onRateLimit?.(Number(remaining));
    }
    return response;
  };
}
