import { RequestError } from '@octokit/request-error';

import type { Logger } from '../log.js';
import { GitHubError } from './errors.js';

/** Bounds of the retries of one GitHub operation. */
export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** Total time spent waiting between attempts, in milliseconds; a longer rate-limit wait fails at once. */
  maxTotalWaitMs: number;
  /** First backoff delay, in milliseconds; it doubles with each attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 4, maxTotalWaitMs: 60_000, baseDelayMs: 1_000, maxDelayMs: 30_000 };

/** Time sources, injectable so that tests never sleep for real. */
export interface RetryClock {
  sleep(ms: number): Promise<void>;
  /** Epoch milliseconds. */
  now(): number;
  /** A number in [0, 1), for jitter. */
  random(): number;
}

export const systemClock: RetryClock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  random: () => Math.random(),
};

/** Status, headers and message of a failed attempt. */
export interface AttemptFailure {
  /** HTTP status; undefined when no response arrived. */
  status?: number;
  headers: Record<string, string | number | undefined>;
  /** GitHub's `message`, or the error's message. */
  detail: string;
}

/** GitHub's REST documentation says to wait at least one minute after a secondary rate limit without `retry-after`. */
const secondaryRateLimitWaitMs = 60_000;

/**
 * Returns how long to wait before the next attempt, or undefined when the failure
 * is final: a 4xx other than a rate limit. `attempt` counts from 1.
 */
export function retryDelay(failure: AttemptFailure, attempt: number, policy: RetryPolicy, clock: RetryClock): number | undefined {
  const { status, headers } = failure;
  const retryAfter = Number(headers['retry-after']);
  const rateLimited =
    (status === 403 || status === 429) &&
    (Number.isFinite(retryAfter) || String(headers['x-ratelimit-remaining']) === '0' || /secondary rate limit/i.test(failure.detail));

  if (status !== undefined && status < 500 && !rateLimited && status !== 429) {
    return undefined;
  }
  if (Number.isFinite(retryAfter) && retryAfter >= 0) {
    return retryAfter * 1000;
  }
  if (String(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(Number(headers['x-ratelimit-reset']))) {
    // One extra second covers the difference between GitHub's clock and ours.
    return Math.max(0, Number(headers['x-ratelimit-reset']) * 1000 - clock.now() + 1000);
  }
  if (rateLimited && status === 403) {
    return secondaryRateLimitWaitMs;
  }
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + clock.random() / 2));
}

/** Reads status, headers and GitHub's message from whatever an Octokit request threw. */
export function describeFailure(error: unknown): AttemptFailure {
  // @octokit/request throws a RequestError without `response` when fetch itself failed.
  if (error instanceof RequestError && error.response) {
    const data = error.response.data as { message?: unknown } | undefined;
    const detail = typeof data?.message === 'string' ? data.message : error.message;
    return { status: error.status, headers: error.response.headers, detail };
  }
  return { headers: {}, detail: error instanceof Error ? error.message : String(error) };
}

/**
 * Runs `call`, retrying on 5xx, on 403 and 429 rate limits and on network
 * failures, within the policy's attempts and total wait.
 *
 * @throws GitHubError naming the operation, the repository and the last status.
 */
export async function withRetry<T>(
  context: { operation: string; repository?: string; policy: RetryPolicy; clock: RetryClock; logger: Logger },
  call: () => Promise<T>,
): Promise<T> {
  const { operation, repository, policy, clock, logger } = context;
  let waitedMs = 0;

  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const failure = describeFailure(error);
      const delayMs = retryDelay(failure, attempt, policy, clock);
      const final = delayMs === undefined || attempt >= policy.maxAttempts || waitedMs + delayMs > policy.maxTotalWaitMs;
      if (final) {
        let detail = failure.detail;
        if (delayMs !== undefined && waitedMs + delayMs > policy.maxTotalWaitMs) {
          detail += ` (the next retry would wait ${Math.ceil(delayMs / 1000)} s, beyond the retry budget)`;
        } else if (attempt > 1) {
          detail += ` (after ${attempt} attempts)`;
        }
        throw new GitHubError({ operation, repository, status: failure.status, detail, cause: error });
      }

      logger.warn({ operation, repository, status: failure.status, attempt, delayMs, err: failure.detail }, 'GitHub request failed; retrying');
      waitedMs += delayMs;
      await clock.sleep(delayMs);
    }
  }
}
