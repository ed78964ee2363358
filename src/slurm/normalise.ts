/**
 * Readers that turn the value shapes of every supported API version into plain
 * values. v0.0.38 (Slurm 22.05) sends plain integers, `null` for unset and a
 * state string; v0.0.40 and later send `{set, infinite, number}` objects and a
 * state array. Each reader accepts all of these, so one job normaliser serves
 * every version.
 */
import type { SlurmJob } from './types.js';

/** The job states that `job_state` reports as the base state; everything else is a flag. */
export const baseJobStates: ReadonlySet<string> = new Set([
  'PENDING',
  'RUNNING',
  'SUSPENDED',
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'OUT_OF_MEMORY',
]);

/** Base states of a job that has ended: every base state but PENDING, RUNNING and SUSPENDED. */
export const endedJobStates: ReadonlySet<string> = new Set(
  [...baseJobStates].filter((state) => !['PENDING', 'RUNNING', 'SUSPENDED'].includes(state)),
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a number that may come as a number, a decimal string or a
 * `{set, infinite, number}` object. Returns undefined for `null`, unset and
 * infinite values.
 */
export function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  if (isRecord(value)) {
    if (value.set === false || value.infinite === true) return undefined;
    return readNumber(value.number);
  }
  return undefined;
}

/** Reads a non-empty string; empty strings, which slurmrestd sends for unset fields, become undefined. */
export function readText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads a Unix time in seconds as a Date; 0 and unset values, which mean "not yet", become undefined. */
export function readTime(value: unknown): Date | undefined {
  const seconds = readNumber(value);
  return seconds === undefined || seconds <= 0 ? undefined : new Date(seconds * 1000);
}

/**
 * Splits `job_state` into the base state and its flags. v0.0.40 and later send
 * an array such as `["CANCELLED", "COMPLETING"]`. v0.0.38 sends one string, in
 * which a flag such as `COMPLETING` or `CONFIGURING` replaces the base state.
 * The base state is then unknown, so the flag is both the state and the only flag.
 */
export function readJobState(value: unknown): { state: string; flags: string[] } {
  const names = (Array.isArray(value) ? value : [value]).filter((name): name is string => typeof name === 'string');
  const state = names.find((name) => baseJobStates.has(name)) ?? names[0] ?? 'UNKNOWN';
  const flags = names.filter((name) => !baseJobStates.has(name));
  return { state, flags };
}

/**
 * Reads the batch script's exit code. v0.0.38 sends the raw wait status
 * (`768` for exit 3); v0.0.40 and later send `{status, return_code, signal}`.
 * A job killed by a signal gets 128 + the signal number, as a shell reports it.
 */
export function readExitCode(value: unknown): number | undefined {
  if (typeof value === 'number') {
    const signal = value & 0x7f;
    return signal === 0 ? (value >> 8) & 0xff : 128 + signal;
  }
  if (!isRecord(value)) return undefined;

  const signal = isRecord(value.signal) ? readNumber(value.signal.id) : undefined;
  if (signal !== undefined && signal > 0) return 128 + signal;
  return readNumber(value.return_code);
}

/** The fields of a job reply that gha-slurm reads; every version names them alike. */
export interface JobReplyFields {
  job_id?: unknown;
  name?: unknown;
  user_name?: unknown;
  job_state?: unknown;
  state_reason?: unknown;
  partition?: unknown;
  account?: unknown;
  qos?: unknown;
  comment?: unknown;
  cpus_per_task?: unknown;
  memory_per_node?: unknown;
  time_limit?: unknown;
  cpus?: unknown;
  tasks?: unknown;
  exit_code?: unknown;
  nodes?: unknown;
  submit_time?: unknown;
  start_time?: unknown;
  end_time?: unknown;
}

// NOTE: Slurm 22.05 reports `cpus_per_task` as null even when the job asked for more than
// one CPU, so the value is derived from the CPU and task counts. An allocation of whole
// nodes (exclusive jobs) gets more CPUs than it asked for, and then the derived value is too high.
function deriveCpusPerTask(reply: JobReplyFields): number | undefined {
  const cpus = readNumber(reply.cpus);
  const tasks = readNumber(reply.tasks);
  if (cpus === undefined || tasks === undefined || tasks <= 0 || cpus <= 0) return undefined;
  return Math.max(1, Math.floor(cpus / tasks));
}

/** Converts one job of a `jobs[]` reply, of any supported version, into a `SlurmJob`. */
export function normaliseJob(reply: JobReplyFields): SlurmJob {
  const jobId = readNumber(reply.job_id);
  if (jobId === undefined) {
    throw new TypeError(`A job in the reply has no usable job_id (${JSON.stringify(reply.job_id)}).`);
  }
  const { state, flags } = readJobState(reply.job_state);
  const stateReason = readText(reply.state_reason);

  return {
    jobId,
    name: readText(reply.name) ?? '',
    userName: readText(reply.user_name) ?? '',
    state,
    stateFlags: flags,
    stateReason: stateReason === 'None' ? undefined : stateReason,
    partition: readText(reply.partition),
    account: readText(reply.account),
    qos: readText(reply.qos),
    comment: readText(reply.comment),
    cpusPerTask: readNumber(reply.cpus_per_task) ?? deriveCpusPerTask(reply),
    memoryMb: readNumber(reply.memory_per_node),
    timeLimitMinutes: readNumber(reply.time_limit),
    exitCode: endedJobStates.has(state) ? readExitCode(reply.exit_code) : undefined,
    nodes: readText(reply.nodes),
    submitTime: readTime(reply.submit_time),
    startTime: readTime(reply.start_time),
    endTime: readTime(reply.end_time),
  };
}
