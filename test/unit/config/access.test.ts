import { describe, expect, it } from 'vitest';

import { clusterUserFor, describeConfig, resolveAccess } from '../../../src/config/index.js';
import type { Config } from '../../../src/config/types.js';

const config = {
  github: { appId: 1, privateKey: 'PRIVATE KEY TEXT', webhookSecret: 'webhook-secret-text', apiUrl: 'https://api.github.com', runnerGroupId: 1, runnerScope: 'repository' },
  clusters: [
    { name: 'alpha', url: 'http://127.0.0.1:6820', apiVersion: 'auto', auth: { type: 'hs256', keyFile: '/k' }, slurmUser: 'slurm', tokenLifetimeSeconds: 300, requestTimeoutMs: 30000 },
    { name: 'beta', url: 'http://127.0.0.1:6821', apiVersion: 'v0.0.42', auth: { type: 'hs256', keyFile: '/k' }, slurmUser: 'slurm', tokenLifetimeSeconds: 300, requestTimeoutMs: 30000 },
  ],
  pools: [
    { name: 'cpu', labels: ['cpu'], cluster: 'alpha', cpus: 2, timeLimitMinutes: 60, maxRunners: 4, idleTimeoutSeconds: 300, environment: {} },
    { name: 'gpu', labels: ['gpu'], cluster: 'beta', partition: 'gpu', gres: 'gpu:1', cpus: 8, memoryMb: 32000, timeLimitMinutes: 120, maxRunners: 2, idleTimeoutSeconds: 300, environment: {} },
  ],
  access: [
    { pattern: 'Octo-Org/Special', clusterUser: 'ci-special', clusterUsers: { beta: 'ci-special-b' }, pools: ['gpu'] },
    { pattern: 'octo-org/*', clusterUser: 'ci-octo' },
    { pattern: '*', clusterUser: 'ci-guest', pools: ['cpu'] },
  ],
  runner: { callbackUrl: 'http://127.0.0.1:9090', installDir: '/opt/runner', launchTokenLifetimeSeconds: 86400, launchTokenSecret: 'launch-secret-text', namePrefix: 'slurm', workDir: '/tmp', maxAttempts: 3 },
  store: { path: '/var/lib/gha-slurm/gha-slurm.db' },
  server: { webhook: { host: '0.0.0.0', port: 8080 }, internal: { host: '0.0.0.0', port: 9090 }, bodyLimitBytes: 1048576 },
  log: { level: 'info' },
  reconcileIntervalSeconds: 30,
} satisfies Config;

describe('resolveAccess', () => {
  it('matches owner/name case-insensitively', () => {
    const grant = resolveAccess(config, 'octo-org/special');

    expect(grant).toEqual({ pattern: 'Octo-Org/Special', pools: ['gpu'], clusterUser: 'ci-special', clusterUsers: { beta: 'ci-special-b' } });
  });

  it('lets the first matching rule win', () => {
    expect(resolveAccess(config, 'OCTO-ORG/other')?.pattern).toBe('octo-org/*');
  });

  it('gives every pool when the rule lists none', () => {
    expect(resolveAccess(config, 'octo-org/other')?.pools).toEqual(['cpu', 'gpu']);
  });

  it('falls back to the wildcard rule', () => {
    expect(resolveAccess(config, 'someone/else')).toMatchObject({ pattern: '*', pools: ['cpu'], clusterUser: 'ci-guest' });
  });

  it('returns undefined when no rule matches', () => {
    const closed = { ...config, access: config.access.slice(0, 2) };

    expect(resolveAccess(closed, 'someone/else')).toBeUndefined();
    expect(resolveAccess(closed, 'octo-org')).toBeUndefined();
    expect(resolveAccess(closed, 'octo-org-x/special')).toBeUndefined();
  });
});

describe('clusterUserFor', () => {
  it('prefers the per-cluster override', () => {
    const grant = resolveAccess(config, 'octo-org/special');

    expect(grant).toBeDefined();
    expect(clusterUserFor(grant!, 'beta')).toBe('ci-special-b');
    expect(clusterUserFor(grant!, 'alpha')).toBe('ci-special');
  });
});

describe('describeConfig', () => {
  it('lists pools and mappings without secrets', () => {
    const text = describeConfig(config).join('\n');

    expect(text).toContain('gpu: labels [gpu] on beta (partition gpu)');
    expect(text).toContain('Octo-Org/Special: gpu as ci-special-b');
    expect(text).toContain('octo-org/*: cpu as ci-octo, gpu as ci-octo');
    expect(text).not.toContain('PRIVATE KEY TEXT');
    expect(text).not.toContain('webhook-secret-text');
    expect(text).not.toContain('launch-secret-text');
  });
});
