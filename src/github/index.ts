export { AppGitHubRunners, createGitHubRunners, type GitHubClientOptions } from './client.js';
export { GitHubError } from './errors.js';
export { observingFetch, operationOf, type GitHubHooks, type GitHubRequestEvent } from './observe.js';
export { parseWorkflowJobEvent, PayloadError } from './payloads.js';
export { defaultRetryPolicy, retryDelay, systemClock, type RetryClock, type RetryPolicy } from './retry.js';
export type * from './types.js';
