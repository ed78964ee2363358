import { defaults } from '../config/schema.js';
import type { DispatchContext } from './context.js';

/** Time between two prunes of the store, in milliseconds. */
export const pruneIntervalMs = 60 * 60 * 1000;

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Creates the store's housekeeping step for the reconcile loop. Each call prunes
 * the store when no prune ran in the last {@link pruneIntervalMs}, so a loop that
 * runs every 30 seconds prunes about once an hour, starting with its first pass.
 * It deletes finished rows older than `store.retentionDays`, logs the counts, and
 * logs a failed prune instead of throwing, because the rows can wait for the next hour.
 */
export function createStorePruner(context: DispatchContext): () => void {
  let lastPruneAt: number | undefined;

  return () => {
    const now = context.now();
    if (lastPruneAt !== undefined && now.getTime() - lastPruneAt < pruneIntervalMs) {
      return;
    }
    lastPruneAt = now.getTime();

    const retentionDays = context.config.store.retentionDays ?? defaults.retentionDays;
    const before = new Date(now.getTime() - retentionDays * dayMs);
    try {
      const removed = context.store.prune(before);
      context.logger.info({ ...removed, retentionDays, before: before.toISOString() }, 'store pruned');
    } catch (error) {
      context.logger.error({ err: error, retentionDays }, 'store prune failed; next attempt in an hour');
    }
  };
}
