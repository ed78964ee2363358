/** Wait before retry `attempt` (1-based): 5 s, 10 s, 20 s, … up to 5 minutes. */
export interface BackoffPolicy {
  baseSeconds: number;
  maxSeconds: number;
}

export const defaultBackoff: BackoffPolicy = { baseSeconds: 5, maxSeconds: 300 };

/** Returns the time before which retry number `attempt` (1-based) must not start. */
export function retryAfter(policy: BackoffPolicy, attempt: number, from: Date): Date {
  const seconds = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return new Date(from.getTime() + seconds * 1000);
}
