/**
 * The resolved configuration: defaults applied, secrets read from files or the
 * environment, every reference checked. Only `src/config/` builds it.
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface GitHubConfig {
  appId: number;
  /** PEM text of the App's private key. Secret. */
  privateKey: string;
  /** Secret. */
  webhookSecret: string;
  /** `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  apiUrl: string;
  /** Runner group id for JIT runners (1 is the default group). */
  runnerGroupId: number;
  /** Register runners at the organisation instead of the repository. */
  runnerScope: 'repository' | 'organization';
}

export type ClusterAuth =
  | { type: 'hs256'; keyFile: string }
  | { type: 'rs256'; privateKeyFile: string; keyId: string }
  | { type: 'static'; tokenFile: string };

export interface ClusterConfig {
  name: string;
  /** slurmrestd base URL, without the `/slurm/vX` part. */
  url: string;
  /** `auto`, or a pinned API version such as `v0.0.42`. */
  apiVersion: string;
  auth: ClusterAuth;
  /** The cluster's SlurmUser; never signed for. */
  slurmUser: string;
  /** Lifetime of a per-user token, in seconds. */
  tokenLifetimeSeconds: number;
  /** Timeout of one request to slurmrestd, in milliseconds. */
  requestTimeoutMs: number;
}

export interface PoolConfig {
  name: string;
  /** Lower-cased; `self-hosted` is implied and not listed. */
  labels: string[];
  cluster: string;
  partition?: string;
  cpus: number;
  memoryMb?: number;
  timeLimitMinutes: number;
  account?: string;
  qos?: string;
  gres?: string;
  constraint?: string;
  maxRunners: number;
  idleTimeoutSeconds: number;
  environment: Record<string, string>;
  /** A batch script template file to use instead of the default one. */
  scriptTemplate?: string;
}

export interface AccessRule {
  /** `owner/name`, `owner/*` or `*`; matched case-insensitively, first rule wins. */
  pattern: string;
  /** Cluster user on every cluster that `clusterUsers` does not name. */
  clusterUser: string;
  /** Cluster user per cluster name, overriding `clusterUser` on those clusters. */
  clusterUsers?: Record<string, string>;
  /** Pools this rule may use; every pool when omitted. */
  pools?: string[];
}

export interface RunnerConfig {
  /** URL that compute nodes use to reach `POST /runners/jit-config`. */
  callbackUrl: string;
  /** Directory on the compute nodes where the Actions runner is installed. */
  installDir: string;
  /** Lifetime of a launch token, in seconds; it must cover the time a job may wait in the queue. */
  launchTokenLifetimeSeconds: number;
  /** Secret used to sign launch tokens. Secret. */
  launchTokenSecret: string;
  /** Prefix of runner names. */
  namePrefix: string;
  /** Working directory of the Slurm jobs; `%u` is replaced with the cluster user. */
  workDir: string;
  /** How many times a failed Slurm job is submitted again for a queued workflow job. */
  maxAttempts: number;
}

export interface ListenerConfig {
  host: string;
  port: number;
}

export interface ServerConfig {
  /** Serves `POST /github/webhooks`; also everything else unless `internal` is set. */
  webhook: ListenerConfig;
  /** Serves the callback, metrics and health, when set. */
  internal?: ListenerConfig;
  /** Largest request body, in bytes. */
  bodyLimitBytes: number;
}

export interface Config {
  github: GitHubConfig;
  clusters: ClusterConfig[];
  pools: PoolConfig[];
  access: AccessRule[];
  runner: RunnerConfig;
  store: {
    path: string;
    /**
     * Days that finished deliveries, workflow jobs and runners are kept before the
     * hourly prune deletes them. The loader always sets it; configs built in code
     * may omit it to get the default of 14.
     */
    retentionDays?: number;
  };
  server: ServerConfig;
  log: { level: LogLevel };
  /** How often the reconcile loop runs, in seconds. */
  reconcileIntervalSeconds: number;
}
