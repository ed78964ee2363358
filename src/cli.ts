#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { ConfigError, describeConfig, formatProblem, loadConfig } from './config/index.js';
import type { Config } from './config/types.js';
import { createLogger, type Logger } from './log.js';

/** A running service, as `startService` in `src/main.ts` returns it. */
export interface RunningService {
  close(): Promise<void> | void;
}

type StartService = (config: Config, options: { logger: Logger }) => Promise<RunningService> | RunningService;
type RunDoctor = (config: Config, options: { output: (text: string) => void }) => Promise<number>;

/** The command line's streams, environment, signals and loaded modules; tests replace any of them. */
export interface CliEnvironment {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  /** Signal source on which `serve` waits for SIGTERM and SIGINT. */
  signals: Pick<NodeJS.Process, 'once' | 'removeListener'>;
  importService(): Promise<{ startService: StartService }>;
  importDoctor(): Promise<{ runDoctor: RunDoctor }>;
  createLogger(config: Config): Logger;
}

const usage = `Usage: gha-slurm <command> --config FILE

Runs GitHub Actions jobs as ephemeral runners in Slurm batch jobs.

Commands:
  serve          Receive webhooks and run the service until SIGTERM or SIGINT
  check-config   Validate the configuration and print its pools and repository access
  doctor         Check GitHub, the clusters and the callback URL with the configuration

Options:
  -c, --config FILE   Configuration file (YAML); see docs/configuration.md
  -h, --help          Print this help and exit
  -V, --version       Print the version and exit

Exit status: 0 on success, 1 when the configuration or a check fails, 2 on a usage error.
`;

const commands = ['serve', 'check-config', 'doctor'] as const;
type Command = (typeof commands)[number];

/** A mistake in the command line itself; exit status 2. */
class UsageError extends Error {}

// Variables keep TypeScript from resolving modules that other parts of the build provide.
const mainModule = './main.js';
const doctorModule = './doctor/index.js';

const defaultEnvironment: CliEnvironment = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signals: process,
  importService: () => import(mainModule) as Promise<{ startService: StartService }>,
  importDoctor: () => import(doctorModule) as Promise<{ runDoctor: RunDoctor }>,
  createLogger: (config) => createLogger(config.log.level),
};

/**
 * Runs the command line with `args` (without `node` and the script) and returns
 * the exit status. `serve` returns only after the service has closed.
 */
export async function runCli(args: string[], overrides: Partial<CliEnvironment> = {}): Promise<number> {
  const environment = { ...defaultEnvironment, ...overrides };
  const { stdout, stderr } = environment;

  let parsed: { command?: Command; configFile?: string; help: boolean; version: boolean };
  try {
    parsed = parseCommandLine(args);
  } catch (error) {
    if (!(error instanceof UsageError)) {
      throw error;
    }
    stderr.write(`gha-slurm: ${error.message}\n\n${usage}`);
    return 2;
  }

  if (parsed.help) {
    stdout.write(usage);
    return 0;
  }
  if (parsed.version) {
    stdout.write(`${readVersion()}\n`);
    return 0;
  }

  let config: Config;
  try {
    config = await loadConfig(parsed.configFile as string, environment.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw error;
    }
    stderr.write(`gha-slurm: invalid configuration; ${error.problems.length} problem(s):\n`);
    for (const problem of error.problems) {
      stderr.write(`  ${formatProblem(problem)}\n`);
    }
    return 1;
  }

  switch (parsed.command) {
    case 'check-config':
      stdout.write(`Configuration ${parsed.configFile} is valid.\n\n${describeConfig(config).join('\n')}\n`);
      return 0;
    case 'doctor':
      return runDoctorCommand(config, environment);
    case 'serve':
    default:
      return serve(config, environment);
  }
}

function parseCommandLine(args: string[]): { command?: Command; configFile?: string; help: boolean; version: boolean } {
  let values: { config?: string; help?: boolean; version?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    }));
  } catch (error) {
    // parseArgs explains unknown options and missing values in its own words, e.g. "Unknown option '--x'".
    throw new UsageError((error as Error).message.split('.')[0] ?? String(error));
  }

  const help = values.help ?? false;
  const version = values.version ?? false;
  if (help || version) {
    return { help, version };
  }

  const [command, ...extra] = positionals;
  if (command === undefined) {
    throw new UsageError('missing command');
  }
  if (!commands.includes(command as Command)) {
    throw new UsageError(`unknown command "${command}"; expected one of ${commands.join(', ')}`);
  }
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument "${extra[0]}"`);
  }
  if (values.config === undefined || values.config === '') {
    throw new UsageError(`missing --config FILE for ${command}`);
  }
  return { command: command as Command, configFile: values.config, help, version };
}

/** Runs the checks of `src/doctor/`, which print their table and return the exit status. */
async function runDoctorCommand(config: Config, environment: CliEnvironment): Promise<number> {
  const { runDoctor } = await environment.importDoctor();
  return runDoctor(config, { output: (text) => environment.stdout.write(text) });
}

/** Starts the service and resolves with its exit status once a signal has closed it. */
async function serve(config: Config, environment: CliEnvironment): Promise<number> {
  const logger = environment.createLogger(config);
  const { startService } = await environment.importService();
  let service: RunningService;
  try {
    service = await startService(config, { logger });
  } catch (error) {
    // Start-up errors (a port in use, a store that cannot be opened) carry their own explanation.
    logger.fatal({ err: error }, 'service failed to start');
    environment.stderr.write(`gha-slurm: the service failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  logger.info({ pid: process.pid }, 'service started');

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (received: NodeJS.Signals) => {
      environment.signals.removeListener('SIGTERM', onSignal);
      environment.signals.removeListener('SIGINT', onSignal);
      resolve(received);
    };
    environment.signals.once('SIGTERM', onSignal);
    environment.signals.once('SIGINT', onSignal);
  });

  logger.info({ signal }, 'closing the service');
  try {
    await service.close();
  } catch (error) {
    logger.error({ err: error }, 'closing the service failed');
    return 1;
  }
  logger.info({ signal }, 'service closed');
  return 0;
}

/** Reads the version from the package.json next to `src/` (tsx) or `dist/src/` (built). */
function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'gha-slurm' && manifest.version) {
        return manifest.version;
      }
    } catch {
      // Not at this level; try the next one.
    }
  }
  return 'unknown';
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) {
    return false;
  }
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  runCli(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`gha-slurm: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
