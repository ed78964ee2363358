/**
 * The time each cluster last replied, recorded by reconcile and read by `/readyz`.
 */
export class ClusterHealth {
  private readonly lastSeen = new Map<string, Date>();

  constructor(private readonly clusters: readonly string[]) {}

  /** Records that `cluster` replied at `at`. */
  answered(cluster: string, at: Date): void {
    this.lastSeen.set(cluster, at);
  }

  /** Returns the clusters that have not replied within `maxAgeSeconds` before `now`. */
  stale(now: Date, maxAgeSeconds: number): string[] {
    return this.clusters.filter((cluster) => {
      const seen = this.lastSeen.get(cluster);
      return !seen || now.getTime() - seen.getTime() > maxAgeSeconds * 1000;
    });
  }
}
