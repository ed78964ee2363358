import type { ClusterConfig } from '../config/types.js';
import type { AppIdentity } from '../github/types.js';
import type { SlurmClient } from '../slurm/types.js';

/** The result of one check. */
export type CheckStatus = 'OK' | 'FAIL' | 'SKIP';

/** One line of the doctor's table. */
export interface CheckResult {
  /** The subject of the check, for example `pool cpu: partition`. */
  name: string;
  status: CheckStatus;
  /** The finding, or the reason the check was skipped. */
  detail: string;
  /** The change that makes the check pass; present on every failure. */
  fix?: string;
}

/**
 * Account and QOS listings, read through slurmrestd's slurmdbd endpoints. A Slurm
 * client may offer them; without them the account and QOS checks are skipped.
 */
export interface SlurmAccounting {
  listAccounts(user: string): Promise<string[]>;
  listQos(user: string): Promise<string[]>;
}

/** The outside world that the checks talk to; tests replace any of it. */
export interface DoctorDependencies {
  /** Checks the App's credentials and lists its installations. */
  verifyGitHubApp(): Promise<AppIdentity>;
  /** The Slurm client of one cluster; it may also implement {@link SlurmAccounting}. */
  slurmClient(cluster: ClusterConfig): SlurmClient & Partial<SlurmAccounting>;
  fetch: typeof fetch;
}

/** Options of one doctor run. */
export interface DoctorOptions {
  /** Replaces the real clients and `fetch`; each one left out is created from the configuration. */
  dependencies?: Partial<DoctorDependencies>;
  /** Receives the table text; it goes to standard output when omitted. */
  output?: (text: string) => void;
  /** Timeout of each check, in milliseconds. */
  checkTimeoutMs?: number;
}
