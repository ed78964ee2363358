/**
 * Starts everything the demo needs, in order, registering each teardown as it
 * goes: the Slurm cluster (only if it was not running), the GitHub stand-in, the
 * callback proxy, the runner stand-in on the node, and gha-slurm itself.
 */
import { join } from 'node:path';
import { startCallbackProxy } from './callback-proxy.js';
import type { Cleanup } from './cleanup.js';
import { clusterJsonPath, isClusterRunning, readClusterInfo, runClusterScript, type ClusterInfo, type SlurmVersion } from './cluster.js';
import { GitHubStandIn } from './github/standin.js';
import { installRunner, type RunnerInstall } from './runner/install.js';
import { JobLabels } from './scenario.js';
import { demoInstallationId, demoRepositories, writeDemoConfig, writeDemoSecrets } from './service-config.js';
import { startDemoService, type DemoService } from './service.js';
import { SlurmWatcher } from './slurm-watcher.js';
import type { Timeline } from './timeline.js';

/** How long the cluster scripts may take; a first start of 24.11 or 26.05 builds a Debian root folder. */
const clusterScriptTimeoutMs = 15 * 60_000;
/** How long the runner stand-in waits for a job and runs it before giving up. */
const runnerMaxSeconds = 600;

/** Everything the scenario and the report use. */
export interface DemoEnvironment {
  cluster: ClusterInfo;
  standIn: GitHubStandIn;
  watcher: SlurmWatcher;
  labels: JobLabels;
  install: RunnerInstall;
  service: DemoService;
}

/** Log files of the demo, kept when it fails. */
export function logFiles(dir: string) {
  return { cluster: join(dir, 'slurm-cluster.log'), service: join(dir, 'gha-slurm.log'), githubApi: join(dir, 'github-api.log') };
}

/** Starts the cluster unless it runs; registers its stop only when this call started it. */
async function ensureCluster(version: SlurmVersion, dir: string, cleanup: Cleanup, say: (line: string) => void): Promise<ClusterInfo> {
  const log = logFiles(dir).cluster;
  if (await isClusterRunning(version)) {
    say(`Slurm ${version}: using the cluster that is already running; it stays running afterwards`);
  } else {
    say(`Slurm ${version}: starting the local cluster with scripts/slurm/up.sh (output in ${log})`);
    try {
      await runClusterScript('up.sh', version, log, clusterScriptTimeoutMs);
    } catch (error) {
      // up.sh stops leftovers itself on its next start, so the demo leaves a half-started cluster to it.
      throw new Error(`${(error as Error).message}. Daemons that did start keep running; stop them with 'npm run slurm:down -- ${version}'`, { cause: error });
    }
    cleanup.add(`stopping the Slurm ${version} cluster`, () => runClusterScript('down.sh', version, log, clusterScriptTimeoutMs));
  }

  const cluster = readClusterInfo(clusterJsonPath(version));
  for (const { user } of Object.values(demoRepositories)) {
    if (!cluster.users.includes(user)) throw new Error(`${clusterJsonPath(version)} lists no user ${user}; run 'npm run slurm:up -- ${version}' again`);
  }
  say(`Slurm ${version}: ${cluster.name}, release ${cluster.release}, slurmrestd at ${cluster.url}`);
  return cluster;
}

/** Starts every part; each one's teardown is registered on `cleanup` before the next starts. */
export async function setUp(version: SlurmVersion, dir: string, cleanup: Cleanup, timeline: Timeline, say: (line: string) => void): Promise<DemoEnvironment> {
  const files = logFiles(dir);
  const cluster = await ensureCluster(version, dir, cleanup, say);
  const secrets = writeDemoSecrets(dir);
  const labels = new JobLabels(timeline);

  const repositories = new Map(Object.values(demoRepositories).map(({ repository }) => [repository, demoInstallationId]));
  const standIn = await GitHubStandIn.start({
    appId: secrets.appId,
    publicKey: secrets.publicKey,
    repositories,
    timeline,
    apiLogFile: files.githubApi,
    labelForRunner: (runner) => labels.forRunner(runner),
  });
  cleanup.add('stopping the GitHub stand-in', () => standIn.close());
  say(`GitHub stand-in: ${standIn.url} (API calls in ${files.githubApi})`);

  let internalUrl = '';
  const proxy = await startCallbackProxy(() => internalUrl, timeline, async (slurmJobId) => {
    const label = await labels.forSlurmJob(slurmJobId);
    // The watcher polls, so it may see RUNNING only after the job called back. A short wait keeps the lines in order.
    await timeline.waitFor(label, 'slurm-state', 'the RUNNING state', 2000, (event) => event.data?.state === 'RUNNING').catch(() => undefined);
    return label;
  });
  cleanup.add('stopping the callback proxy', () => proxy.close());

  const users = Object.values(demoRepositories).map(({ user }) => user);
  const install = installRunner(cluster.rootDir, users, standIn.url, runnerMaxSeconds);
  cleanup.add('removing the runner stand-in', () => install.remove());
  say(`runner stand-in: ${install.installDir}/run.sh on the node (${install.hostDir} here)`);

  const configFile = writeDemoConfig(
    { dir, cluster, githubUrl: standIn.url, callbackUrl: `${proxy.url}/runners/jit-config`, installDir: install.installDir, workDir: install.workDir },
    secrets,
  );
  const service = await startDemoService(configFile, files.service);
  cleanup.add('stopping gha-slurm', () => service.close());
  internalUrl = service.internalUrl;
  standIn.setWebhookTarget(`${service.webhookUrl}/github/webhooks`, secrets.webhookSecret);
  say(`gha-slurm: webhooks at ${service.webhookUrl}, callback and metrics at ${service.internalUrl} (JSON log in ${files.service})`);

  const watcher = new SlurmWatcher(service.slurmClient, timeline, (label, slurmJobId) => labels.add(slurmJobId, label));
  cleanup.add('cancelling unfinished demo Slurm jobs', () => watcher.cancelUnfinished());
  cleanup.add('stopping the Slurm watcher', () => watcher.stop());
  return { cluster, standIn, watcher, labels, install, service };
}
