import type { Config } from '../config/types.js';

import { checkCallback } from './callback.js';
import { defaultDependencies } from './defaults.js';
import { checkGitHub } from './github.js';
import { formatReport } from './report.js';
import { checkCluster } from './slurm.js';
import type { CheckResult, DoctorOptions } from './types.js';

export type { CheckResult, CheckStatus, DoctorDependencies, DoctorOptions, SlurmAccounting } from './types.js';
export { formatReport } from './report.js';

/** Default timeout of one check, in milliseconds. */
export const defaultCheckTimeoutMs = 15_000;

/** Runs every check and returns the results in table order. Clusters are checked in parallel. */
export async function collectChecks(config: Config, options: DoctorOptions = {}): Promise<CheckResult[]> {
  const timeoutMs = options.checkTimeoutMs ?? defaultCheckTimeoutMs;
  const dependencies = { ...defaultDependencies(config, timeoutMs), ...options.dependencies };

  const [github, clusters, callback] = await Promise.all([
    checkGitHub(config, dependencies, timeoutMs),
    Promise.all(config.clusters.map((_, index) => checkCluster(config, index, dependencies, timeoutMs))),
    checkCallback(config, dependencies, timeoutMs),
  ]);
  return [...github, ...clusters.flat(), callback];
}

/**
 * Checks the configuration against GitHub, every cluster and the callback URL, and
 * writes a table of OK, FAIL and SKIP lines with the fix of each failure. Returns
 * the process exit status: 0 when nothing failed, 1 otherwise.
 */
export async function runDoctor(config: Config, options: DoctorOptions = {}): Promise<number> {
  const results = await collectChecks(config, options);
  const write = options.output ?? ((text: string) => process.stdout.write(text));
  write(formatReport(results));
  return results.some((result) => result.status === 'FAIL') ? 1 : 0;
}
