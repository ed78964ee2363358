/**
 * `npm run demo`: shows gha-slurm doing its main job on real Slurm, from GitHub's
 * delivery to the Slurm job done, with local stand-ins for GitHub and the Actions
 * runner. Prints a timeline and the queue-latency metrics, then shuts everything down.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Cleanup } from './cleanup.js';
import { slurmVersions, type SlurmVersion } from './cluster.js';
import { fetchMetricLines, summaryLines } from './report.js';
import { runScenario } from './scenario.js';
import { loggedProblems } from './service-log.js';
import { logFiles, setUp, type DemoEnvironment } from './setup.js';
import { Timeline } from './timeline.js';

const usage = `Usage: npm run demo -- [--slurm VERSION] [--step-timeout SECONDS] [--verbose]

Runs two GitHub Actions jobs through gha-slurm on a local Slurm cluster, with
stand-ins for GitHub and the Actions runner, and prints what happens.
Run it as root: it may start the cluster and installs the runner stand-in on its node.

Options:
  --slurm VERSION          Slurm version of the local cluster: ${slurmVersions.join(', ')} (default 22.05).
                           The cluster is started if it is not running, and stopped afterwards
                           only in that case.
  --step-timeout SECONDS   Longest wait for any one step before the demo fails (default 90).
  --verbose                Also print every call that gha-slurm makes to the GitHub stand-in.
  --help                   Print this help.`;

interface Options {
  version: SlurmVersion;
  stepTimeoutMs: number;
  verbose: boolean;
  help: boolean;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { slurm: { type: 'string', default: '22.05' }, 'step-timeout': { type: 'string', default: '90' }, verbose: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const version = values.slurm as SlurmVersion;
  if (!slurmVersions.includes(version)) throw new UsageError(`--slurm ${values.slurm} is not supported; use one of ${slurmVersions.join(', ')}`);
  const seconds = Number(values['step-timeout']);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--step-timeout ${values['step-timeout']} is invalid; give a positive number of seconds`);
  return { version, stepTimeoutMs: seconds * 1000, verbose: values.verbose, help: values.help };
}

/** Copies the demo's log files and the Slurm jobs' output to a folder that outlives the demo; returns it. */
function keepLogs(dir: string, environment: Partial<DemoEnvironment>): string {
  const keptDir = join(tmpdir(), `gha-slurm-demo-logs-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(keptDir, { recursive: true, mode: 0o700 });
  for (const file of Object.values(logFiles(dir))) {
    if (existsSync(file)) copyFileSync(file, join(keptDir, file.slice(dir.length + 1)));
  }

  const workRoot = environment.install ? join(environment.install.hostDir, 'work') : undefined;
  for (const user of workRoot && existsSync(workRoot) ? readdirSync(workRoot) : []) {
    for (const file of readdirSync(join(workRoot!, user))) {
      if (file.endsWith('.log')) copyFileSync(join(workRoot!, user, file), join(keptDir, `slurm-job-${user}-${file}`));
    }
  }
  return keptDir;
}

async function run(options: Options, say: (line: string) => void): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'gha-slurm-demo-'));
  chmodSync(dir, 0o700);
  const cleanup = new Cleanup(say);
  cleanup.add('removing the temporary folder', () => rmSync(dir, { recursive: true, force: true }));

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    say(`\n${signal} received: shutting down`);
    void cleanup.runAll().then(() => {
      say('Stopped.');
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);

  const timeline = new Timeline(say, options.verbose);
  const environment: Partial<DemoEnvironment> = {};
  try {
    say(`Setting up (temporary folder ${dir}):`);
    Object.assign(environment, await setUp(options.version, dir, cleanup, timeline, (line) => say(`  ${line}`)));

    say('\nTimeline (time since each job\'s queued delivery):');
    const result = await runScenario({ ...(environment as DemoEnvironment), timeline, stepTimeoutMs: options.stepTimeoutMs });

    say(`\nQueue-latency metrics from ${environment.service!.internalUrl}/metrics:`);
    for (const line of await fetchMetricLines(environment.service!.internalUrl)) say(`  ${line}`);
    say('\nSummary:');
    for (const line of summaryLines(result)) say(`  ${line}`);
    return 0;
  } catch (error) {
    if (interrupted) return 130;
    say(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`);
    const problems = loggedProblems(logFiles(dir).service);
    if (problems.length > 0) say(`gha-slurm logged these problems:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    say(`Logs (gha-slurm's JSON log, GitHub API calls, cluster start, Slurm job output) are kept in ${keepLogs(dir, environment)}`);
    return 1;
  } finally {
    say('\nShutting down.');
    await cleanup.runAll();
  }
}

async function main(): Promise<number> {
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`demo: ${error.message}\n\n${usage}\n`);
    return 2;
  }

  if (options.help) {
    say(usage);
    return 0;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('demo: must run as root, because it may start the Slurm cluster and installs the runner stand-in on its node; rerun with sudo\n');
    return 2;
  }
  return run(options, say);
}

// Exit explicitly: HTTP keep-alive sockets of the clients must not hold the demo open after shutdown.
process.exit(await main());
