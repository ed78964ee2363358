import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ConfigError, parseConfig } from '../../../src/config/index.js';
import { createConfigFixture, minimalYaml, type ConfigFixture } from './fixture.js';

let fixture: ConfigFixture;

beforeEach(() => {
  fixture = createConfigFixture();
});

afterEach(() => {
  fixture.remove();
});

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, { env: fixture.env, baseDir: fixture.dir });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((problem) => `${problem.path}: ${problem.message}`);
  }
  throw new Error('expected the configuration to be rejected');
}

const twoPools = minimalYaml.replace(
  'access:',
  `  - name: gpu
    cluster: hpc
    labels: [gpu]
    partition: gpu
    memoryMb: 16000
access:`,
);

describe('configuration checks', () => {
  it('rejects duplicate pool names', () => {
    expect(problemsOf(twoPools.replace('name: gpu', 'name: cpu'))).toEqual([
      'pools[1].name: "cpu" is defined twice; names must be unique',
    ]);
  });

  it('rejects two pools with the same labels', () => {
    const text = twoPools.replace('labels: [gpu]', 'labels: [CPU, slurm]');

    expect(problemsOf(text)).toEqual([
      'pools[1].labels: same labels as pools[0] ("cpu"), so a repository allowed both always gets the first; add a label that tells them apart',
    ]);
  });

  it('rejects access to an undefined pool', () => {
    const text = twoPools.replace('clusterUser: ci-octo', 'clusterUser: ci-octo\n    pools: [gpu, tpu]');

    expect(problemsOf(text)).toEqual(['access[0].pools[1]: pool "tpu" is not defined; defined pools: cpu, gpu']);
  });

  it('rejects root as cluster user', () => {
    expect(problemsOf(minimalYaml.replace('clusterUser: ci-octo', 'clusterUser: root'))).toEqual([
      'access[0].clusterUser: must not be root: jobs of a repository must never run as root',
    ]);
  });

  it('rejects the SlurmUser as cluster user', () => {
    const text = minimalYaml.replace('clusterUser: ci-octo', 'clusterUser: ci-octo\n    clusterUsers: { hpc: slurm }');

    expect(problemsOf(text)).toEqual([
      'access[0].clusterUsers.hpc: must not be "slurm", the SlurmUser of cluster "hpc": its token would be an administrator token',
    ]);
  });

  it('rejects root in an override of an unused cluster', () => {
    const text = twoPools
      .replace('    cluster: hpc\n    labels: [gpu]', '    cluster: hpc2\n    labels: [gpu]')
      .replace('pools:\n  - name: cpu', '  - name: hpc2\n    url: http://127.0.0.1:6821\n    auth: { type: hs256, keyFile: jwt_hs256.key }\npools:\n  - name: cpu')
      .replace('access:', 'access:\n  - pattern: octo-org/special\n    clusterUser: ci-special\n    clusterUsers: { hpc2: root }\n    pools: [cpu]');

    expect(problemsOf(text)).toEqual(['access[0].clusterUsers.hpc2: must not be root: jobs of a repository must never run as root']);
  });

  it('rejects an override for an undefined cluster', () => {
    const text = minimalYaml.replace('clusterUser: ci-octo', 'clusterUser: ci-octo\n    clusterUsers: { other: ci }');

    expect(problemsOf(text)).toEqual(['access[0].clusterUsers.other: cluster "other" is not defined']);
  });

  it('rejects an invalid POSIX user name', () => {
    const problems = problemsOf(minimalYaml.replace('clusterUser: ci-octo', 'clusterUser: "-rf"'));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^access\[0\]\.clusterUser: must be a POSIX user name/);
  });

  it('rejects an invalid URL and a non-http callback', () => {
    const text = minimalYaml
      .replace('url: http://127.0.0.1:6820', 'url: "not a url"')
      .replace('callbackUrl: http://127.0.0.1:9090/runners/jit-config', 'callbackUrl: ftp://127.0.0.1/runners/jit-config');

    expect(problemsOf(text)).toEqual([
      'clusters[0].url: "not a url" is not a valid URL',
      'runner.callbackUrl: "ftp://127.0.0.1/runners/jit-config" must use http or https',
    ]);
  });

  it('appends the callback path to a bare origin', () => {
    const text = minimalYaml.replace('/runners/jit-config', '/');

    const config = parseConfig(text, { env: fixture.env, baseDir: fixture.dir });

    expect(config.runner.callbackUrl).toBe('http://127.0.0.1:9090/runners/jit-config');
  });

  it('rejects a callback URL with another path', () => {
    const problems = problemsOf(minimalYaml.replace('/runners/jit-config', '/callback'));

    expect(problems).toEqual([
      'runner.callbackUrl: must be an origin such as http://gha-slurm.example.org:9090, or a URL that ends in /runners/jit-config',
    ]);
  });

  it('rejects a slurmrestd URL with a version path', () => {
    const problems = problemsOf(minimalYaml.replace('url: http://127.0.0.1:6820', 'url: http://127.0.0.1:6820/slurm/v0.0.42'));

    expect(problems).toEqual(['clusters[0].url: must be the slurmrestd base URL, without the /slurm/vX.Y.Z part']);
  });

  it('accepts only auto or a pinned API version', () => {
    const text = minimalYaml.replace('auth: { type: hs256', 'apiVersion: "0.0.42"\n    auth: { type: hs256');

    expect(problemsOf(text)).toEqual(['clusters[0].apiVersion: must be "auto" or a version such as v0.0.42']);
  });

  it('rejects a zero time limit and negative memory', () => {
    const text = minimalYaml.replace('labels: [Self-Hosted, SLURM, cpu]', 'labels: [cpu]\n    timeLimitMinutes: 0\n    memoryMb: -1');

    expect(problemsOf(text)).toEqual(['pools[0].memoryMb: must be greater than 0', 'pools[0].timeLimitMinutes: must be greater than 0']);
  });

  it('rejects a pool with only the self-hosted label', () => {
    const text = minimalYaml.replace('labels: [Self-Hosted, SLURM, cpu]', 'labels: [self-hosted]');

    expect(problemsOf(text)).toEqual(['pools[0].labels: must list at least one label besides "self-hosted"']);
  });

  it('rejects an unknown auth type', () => {
    const problems = problemsOf(minimalYaml.replace('type: hs256', 'type: munge'));

    expect(problems).toEqual(['clusters[0].auth.type: type must be hs256, rs256 or static']);
  });

  it('rejects both listeners on one port', () => {
    const text = `${minimalYaml}server:\n  webhook: { port: 8080 }\n  internal: { port: 8080 }\n`;

    expect(problemsOf(text)).toEqual(['server.internal.port: must differ from server.webhook.port (8080) on the same host']);
  });

  it('keeps pool environment values as strings', () => {
    const text = minimalYaml.replace('labels: [Self-Hosted, SLURM, cpu]', 'labels: [cpu]\n    environment: { OMP_NUM_THREADS: 4, DEBUG: true }');

    const config = parseConfig(text, { env: fixture.env, baseDir: fixture.dir });

    expect(config.pools[0]?.environment).toEqual({ OMP_NUM_THREADS: '4', DEBUG: 'true' });
  });
});
