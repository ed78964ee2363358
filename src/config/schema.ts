import { z } from 'zod';

import {
  checkPrivateKey,
  httpUrl,
  path,
  positiveInt,
  posixUserPattern,
  readableFile,
  secret,
  shortName,
  type LoadContext,
} from './fields.js';

/** Defaults of every optional key; `docs/configuration.md` lists the same values. */
export const defaults = {
  githubApiUrl: 'https://api.github.com',
  runnerGroupId: 1,
  runnerScope: 'repository',
  apiVersion: 'auto',
  slurmUser: 'slurm',
  tokenLifetimeSeconds: 300,
  requestTimeoutMs: 30_000,
  cpus: 1,
  /** GitHub's own default `timeout-minutes` of a job. */
  timeLimitMinutes: 360,
  maxRunners: 10,
  idleTimeoutSeconds: 300,
  launchTokenLifetimeSeconds: 86_400,
  namePrefix: 'slurm',
  workDir: '/tmp/gha-slurm-%u',
  maxAttempts: 3,
  storePath: 'gha-slurm.db',
  /** Days that finished deliveries, workflow jobs and runners stay in the store. */
  retentionDays: 14,
  webhookListener: { host: '0.0.0.0', port: 8080 },
  internalListener: { host: '0.0.0.0', port: 9090 },
  /** workflow_job payloads are a few kilobytes; GitHub caps any payload at 25 MB. */
  bodyLimitBytes: 1_048_576,
  logLevel: 'info',
  reconcileIntervalSeconds: 30,
} as const;

/** Shortest launch token secret, in characters: 32 characters carry at least 128 bits in any encoding. */
export const minLaunchTokenSecretLength = 32;

const posixUser = () =>
  z.string().regex(posixUserPattern, {
    error: 'must be a POSIX user name: up to 32 letters, digits, ".", "_" or "-", not starting with a digit, "." or "-"',
  });

/** GitHub matches labels case-insensitively, and every self-hosted runner carries `self-hosted`. */
const labels = () =>
  z
    .array(z.string().trim().min(1))
    .transform((list) => [...new Set(list.map((label) => label.toLowerCase()))].filter((label) => label !== 'self-hosted'))
    .refine((list) => list.length > 0, { error: 'must list at least one label besides "self-hosted"' });

/** The path of the callback route; a bare origin gets it appended, because the batch script posts to the URL as given. */
const callbackPath = '/runners/jit-config';

const callbackUrl = () =>
  httpUrl()
    .transform((url) => (new URL(url).pathname === '/' ? `${url}${callbackPath}` : url))
    .refine((url) => new URL(url).pathname.endsWith(callbackPath), {
      error: `must be an origin such as http://gha-slurm.example.org:9090, or a URL that ends in ${callbackPath}`,
    });

const environment = () =>
  z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' }),
      z.union([z.string(), z.number(), z.boolean()]).transform(String),
    )
    .default({});

const listener = (fallback: { host: string; port: number }) =>
  z.strictObject({
    host: z.string().min(1).default(fallback.host),
    port: z.number().int().min(0).max(65_535).default(fallback.port),
  });

function clusterSchema(context: LoadContext) {
  const auth = z.discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('hs256'), keyFile: readableFile(context) }),
      z.strictObject({ type: z.literal('rs256'), privateKeyFile: readableFile(context), keyId: z.string().min(1) }),
      z.strictObject({ type: z.literal('static'), tokenFile: readableFile(context) }),
    ],
    { error: 'type must be hs256, rs256 or static' },
  );

  return z.strictObject({
    name: shortName(),
    url: httpUrl().refine((url) => !/\/slurm(db)?\/v\d/.test(url), {
      error: 'must be the slurmrestd base URL, without the /slurm/vX.Y.Z part',
    }),
    apiVersion: z
      .string()
      .regex(/^(auto|v\d+\.\d+\.\d+)$/, { error: 'must be "auto" or a version such as v0.0.42' })
      .default(defaults.apiVersion),
    auth,
    slurmUser: posixUser().default(defaults.slurmUser),
    tokenLifetimeSeconds: positiveInt().min(60).default(defaults.tokenLifetimeSeconds),
    // Node timers take at most 2^31 - 1 ms and fire at once or throw beyond that, so the limit is an hour.
    requestTimeoutMs: positiveInt().max(3_600_000).default(defaults.requestTimeoutMs),
  });
}

function poolSchema(context: LoadContext) {
  return z.strictObject({
    name: shortName(),
    labels: labels(),
    cluster: z.string().min(1),
    partition: z.string().min(1).optional(),
    cpus: positiveInt().default(defaults.cpus),
    memoryMb: positiveInt().optional(),
    timeLimitMinutes: positiveInt().default(defaults.timeLimitMinutes),
    account: z.string().min(1).optional(),
    qos: z.string().min(1).optional(),
    gres: z.string().min(1).optional(),
    constraint: z.string().min(1).optional(),
    maxRunners: positiveInt().default(defaults.maxRunners),
    idleTimeoutSeconds: positiveInt().default(defaults.idleTimeoutSeconds),
    environment: environment(),
    scriptTemplate: readableFile(context).optional(),
  });
}

const accessSchema = z.strictObject({
  pattern: z.string().regex(/^(\*|[A-Za-z0-9_.-]+\/(\*|[A-Za-z0-9_.-]+))$/, {
    error: 'must be "owner/name", "owner/*" or "*"',
  }),
  clusterUser: posixUser(),
  clusterUsers: z.record(z.string(), posixUser()).optional(),
  pools: z.array(z.string().min(1)).min(1).optional(),
});

/** Builds the schema of the whole file; secrets and files are read through `context`. */
export function configSchema(context: LoadContext) {
  return z.strictObject({
    github: z.strictObject({
      appId: positiveInt(),
      privateKey: secret(context, checkPrivateKey),
      webhookSecret: secret(context),
      apiUrl: httpUrl().default(defaults.githubApiUrl),
      runnerGroupId: positiveInt().default(defaults.runnerGroupId),
      runnerScope: z.enum(['repository', 'organization']).default(defaults.runnerScope),
    }),
    clusters: z.array(clusterSchema(context)).min(1),
    pools: z.array(poolSchema(context)).min(1),
    access: z.array(accessSchema).min(1),
    runner: z.strictObject({
      callbackUrl: callbackUrl(),
      installDir: z.string().startsWith('/', { error: 'must be an absolute path on the compute nodes' }),
      launchTokenLifetimeSeconds: positiveInt().default(defaults.launchTokenLifetimeSeconds),
      launchTokenSecret: secret(context, (value) =>
        value.length < minLaunchTokenSecretLength
          ? `is ${value.length} characters long; use at least ${minLaunchTokenSecretLength}, for example from "openssl rand -hex 32"`
          : undefined,
      ),
      namePrefix: shortName().default(defaults.namePrefix),
      workDir: z.string().min(1).default(defaults.workDir),
      maxAttempts: positiveInt().default(defaults.maxAttempts),
    }),
    store: z
      .strictObject({
        path: path(context).prefault(defaults.storePath),
        retentionDays: positiveInt().default(defaults.retentionDays),
      })
      .prefault({}),
    server: z
      .strictObject({
        webhook: listener(defaults.webhookListener).prefault({}),
        internal: listener(defaults.internalListener).optional(),
        bodyLimitBytes: positiveInt().default(defaults.bodyLimitBytes),
      })
      .prefault({}),
    log: z
      .strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default(defaults.logLevel) })
      .prefault({}),
    // Longer than about 24.8 days, the timer would fire at once and reconcile in a busy loop.
    reconcileIntervalSeconds: positiveInt().max(86_400).default(defaults.reconcileIntervalSeconds),
  });
}

/** The file after the schema, before the checks across sections. */
export type ParsedConfig = z.output<ReturnType<typeof configSchema>>;
