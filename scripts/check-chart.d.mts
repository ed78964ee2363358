/** The chart's directory in this repository. */
export const defaultChartDir: string;

export interface CheckChartOptions {
  /** `{name, type}` of the registered metrics; those of `createMetrics()` when omitted. */
  metrics?: { name: string; type: string }[];
  /** The promtool binary; `promtool` on the PATH when omitted. */
  promtool?: string;
}

/** Returns `{name, type}` of every metric that the service registers. */
export function registeredMetrics(): Promise<{ name: string; type: string }[]>;

/** Runs every check on the chart in `chartDir`; returns the problems, empty when the chart passes. */
export function checkChart(chartDir?: string, options?: CheckChartOptions): Promise<string[]>;
