import { describe, expect, it } from 'vitest';
import { decideAccess } from '../../../src/dispatch/access.js';
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
