import { describe, expect, it } from 'vitest';
import { choosePool, decideAccess } from '../../../src/dispatch/access.js';
import { pool, testConfig } from './fixtures.js';

const cpu = pool({ name: 'cpu', cluster: 'alpha' });
const gpu = pool({ name: 'gpu', cluster: 'beta' });
const config = testConfig({
  pools: [cpu, gpu],
  access: [
    { pattern: 'octo-org/secret', clusterUser: 'carol', pools: ['gpu'] },
    { pattern: 'octo-org/*', clusterUser: 'alice', clusterUsers: { beta: 'alice2' } },
    { pattern: 'Other/Repo', clusterUser: 'bob', pools: ['cpu'] },
  ],
});

describe('decideAccess', () => {
  it('maps an organisation wildcard to its cluster user', () => {
    expect(decideAccess(config, 'octo-org/app', cpu)).toEqual({ allowed: true, clusterUser: 'alice' });
  });

  it('uses the per-cluster user override', () => {
    expect(decideAccess(config, 'octo-org/app', gpu)).toEqual({ allowed: true, clusterUser: 'alice2' });
  });

  it('lets the first matching rule decide', () => {
    expect(decideAccess(config, 'octo-org/secret', cpu)).toEqual({ allowed: false, reason: 'pool-not-allowed' });
    expect(decideAccess(config, 'octo-org/secret', gpu)).toEqual({ allowed: true, clusterUser: 'carol' });
  });

  it('matches repositories case-insensitively', () => {
    expect(decideAccess(config, 'other/repo', cpu)).toEqual({ allowed: true, clusterUser: 'bob' });
  });

  it('rejects an unmapped repository', () => {
    expect(decideAccess(config, 'stranger/app', cpu)).toEqual({ allowed: false, reason: 'unmapped-repository' });
  });

  it('does not let a wildcard match another owner', () => {
    expect(decideAccess(config, 'octo-org-evil/app', cpu)).toEqual({ allowed: false, reason: 'unmapped-repository' });
  });
});

describe('choosePool', () => {
  const small = pool({ name: 'small', cluster: 'alpha', labels: ['slurm'] });
  const big = pool({ name: 'big', cluster: 'alpha', labels: ['slurm', 'big'] });
  const choices = testConfig({
    pools: [small, big],
    access: [
      { pattern: 'lab/big-only', clusterUser: 'dora', pools: ['big'] },
      { pattern: 'lab/small-only', clusterUser: 'erin', pools: ['small'] },
    ],
  });

  it('picks the allowed pool when a closer one is not allowed', () => {
    const choice = choosePool(choices, 'lab/big-only', ['self-hosted', 'slurm']);

    expect(choice).toEqual({ allowed: true, pool: big, clusterUser: 'dora' });
  });

  it('picks the closest allowed pool', () => {
    const choice = choosePool(choices, 'lab/small-only', ['self-hosted', 'slurm']);

    expect(choice).toEqual({ allowed: true, pool: small, clusterUser: 'erin' });
  });

  it('reports a pool that exists but is not allowed', () => {
    expect(choosePool(choices, 'lab/small-only', ['slurm', 'big'])).toEqual({ allowed: false, reason: 'pool-not-allowed' });
  });

  it('reports labels that no pool carries before access', () => {
    expect(choosePool(choices, 'stranger/app', ['windows'])).toEqual({ allowed: false, reason: 'no-pool' });
  });

  it('reports an unmapped repository', () => {
    expect(choosePool(choices, 'stranger/app', ['slurm'])).toEqual({ allowed: false, reason: 'unmapped-repository' });
  });
});
