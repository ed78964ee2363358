/**
 * Histogram buckets in seconds. Slurm can hold a job in its queue for hours, so the
 * wait-time buckets reach one day; request buckets cover one HTTP round trip.
 */

/** Buckets for waits measured in a job's life: 1 s to 1 day. */
export const waitBuckets: readonly number[] = [
  1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 43200, 86400,
];

/** Buckets for one request to slurmrestd or GitHub: 5 ms to 30 s. */
export const requestBuckets: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];
