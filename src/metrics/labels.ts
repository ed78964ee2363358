/**
 * Keeps label values bounded. Values come from fixed lists or from configuration
 * (pools, clusters); a value outside them never becomes a new series.
 */

/** The value that stands for anything outside a label's allowed set. */
export const otherLabel = 'other';

const freeFormPattern = /^[a-z][a-z0-9_-]{0,47}$/;

/**
 * A label whose values are either known up front or short lower-case words, with at
 * most `maxDistinct` words beyond the known ones. Anything else maps to `other`, so a
 * repository name, a job id or an error text can never create a series.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly known: readonly string[],
    private readonly maxDistinct = 0,
  ) {}

  /** Returns `value` when it is allowed, else `other`. */
  map(value: string | undefined): string {
    if (value === undefined) return otherLabel;
    if (this.known.includes(value) || this.seen.has(value)) return value;

    if (this.seen.size < this.maxDistinct && freeFormPattern.test(value)) {
      this.seen.add(value);
      return value;
    }
    return otherLabel;
  }
}

/**
 * Maps an HTTP status to the `code` label: the status itself for 100 to 599,
 * `error` when no response arrived (network failure, timeout).
 */
export function statusCodeLabel(status: number | undefined): string {
  if (status === undefined || !Number.isInteger(status) || status < 100 || status > 599) return 'error';
  return String(status);
}

/** Events that GitHub sends to an App; others map to `other`. */
export const webhookEvents = [
  'workflow_job',
  'ping',
  'installation',
  'installation_repositories',
  'github_app_authorization',
] as const;

/** Actions of the events above; a delivery without an action is labelled `none`. */
export const webhookActions = [
  'queued',
  'in_progress',
  'completed',
  'waiting',
  'created',
  'deleted',
  'suspend',
  'unsuspend',
  'added',
  'removed',
  'revoked',
  'new_permissions_accepted',
] as const;

/** Runner states tracked by the `gha_slurm_runners` gauge; ended states are not counted. */
export const activeRunnerStates = ['requested', 'submitted', 'configured', 'busy'] as const;
