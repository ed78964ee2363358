/**
 * The demo's closing report: the queue-latency lines of gha-slurm's `/metrics`,
 * and what happened to the cancelled job.
 */
import type { ScenarioResult } from './scenario.js';

/** Metric families the report shows: how long jobs waited, and how many Slurm jobs were submitted and cancelled. */
export const reportedMetrics = [
  'gha_slurm_queue_latency_seconds',
  'gha_slurm_slurm_pending_seconds',
  'gha_slurm_slurm_jobs_submitted_total',
  'gha_slurm_slurm_jobs_cancelled_total',
];

/**
 * Returns the sample lines of `reportedMetrics` in a Prometheus text exposition.
 * Of a histogram's buckets it keeps only those where the count grows, so each
 * observation shows up once, in the smallest bucket that contains it.
 */
export function selectMetricLines(exposition: string): string[] {
  const lines: string[] = [];
  let previousBucket: { series: string; value: string } | undefined;

  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const name = line.split(/[{\s]/)[0] ?? '';
    if (!reportedMetrics.some((family) => name === family || name.startsWith(`${family}_`))) continue;

    if (name.endsWith('_bucket')) {
      const series = line.replace(/le="[^"]*",?/, '').replace(/\s\S+$/, '');
      const value = line.split(/\s/).at(-1) ?? '';
      const unchanged = previousBucket?.series === series && previousBucket.value === value;
      previousBucket = { series, value };
      if (unchanged || value === '0') continue;
    }
    lines.push(line);
  }
  return lines;
}

/** Fetches `/metrics` from `baseUrl` and returns the report's lines; throws naming the URL on failure. */
export async function fetchMetricLines(baseUrl: string): Promise<string[]> {
  const url = `${baseUrl}/metrics`;
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${url} failed with HTTP ${response.status}; see gha-slurm's log`);

  const lines = selectMetricLines(await response.text());
  if (lines.length === 0) throw new Error(`GET ${url} returned none of ${reportedMetrics.join(', ')}; if gha-slurm renamed them, update reportedMetrics in demo/report.ts`);
  return lines;
}

/** Formats the closing summary. */
export function summaryLines(result: ScenarioResult): string[] {
  return [
    `job 1: Slurm job ${result.firstSlurmJobId} ran one ephemeral runner and COMPLETED`,
    `job 2: cancelled on GitHub while Slurm job ${result.second.slurmJobId} was ${result.second.stateAtCancel}; gha-slurm cancelled it, and it is ${result.second.state}`,
  ];
}
