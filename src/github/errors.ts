/** A GitHub API call that failed for good, after any retries. */
export class GitHubError extends Error {
  /** The operation, such as `generateJitConfig`. */
  readonly operation: string;
  readonly repository?: string;
  /** HTTP status; undefined when no response arrived. */
  readonly status?: number;

  constructor(options: { operation: string; repository?: string; status?: number; detail: string; cause?: unknown }) {
    const target = options.repository ? ` for ${options.repository}` : '';
    const outcome = options.status === undefined ? 'got no response' : `failed with status ${options.status}`;
    const hint = [hintFor(options.status, options.operation), runnerGroupHint(options.status, options.operation)].filter(Boolean).join(', ');
    super(`GitHub ${options.operation}${target} ${outcome}: ${options.detail}${hint ? `; ${hint}` : ''}`, { cause: options.cause });
    this.name = 'GitHubError';
    this.operation = options.operation;
    this.repository = options.repository;
    this.status = options.status;
  }
}

function hintFor(status: number | undefined, operation: string): string | undefined {
  switch (status) {
    case 401:
      return 'check github.appId and github.privateKey';
    case 403:
      return operation === 'getWorkflowJob'
        ? 'grant the App the Actions read permission'
        : 'grant the App the Administration (repository runners) or Self-hosted runners (organisation runners) permission';
    case 404:
      return 'check that the App is installed on this repository or organisation';
    default:
      return undefined;
  }
}

/** GitHub also returns 403 or 404 for a runner group that the App cannot use. */
function runnerGroupHint(status: number | undefined, operation: string): string | undefined {
  return operation === 'generateJitConfig' && (status === 403 || status === 404)
    ? 'and that github.runnerGroupId names a runner group that the App may use'
    : undefined;
}
