import { describe, expect, it } from 'vitest';
import { matchPool, runnerLabels } from '../../../src/dispatch/labels.js';
import { pool } from './fixtures.js';

const pools = [
  pool({ name: 'cpu', labels: ['linux', 'x64'] }),
  pool({ name: 'gpu', labels: ['linux', 'x64', 'gpu'] }),
  pool({ name: 'gpu-copy', labels: ['linux', 'x64', 'gpu'] }),
  pool({ name: 'arm', labels: ['linux', 'arm64'] }),
];

describe('matchPool', () => {
  it.each([
    { labels: ['self-hosted', 'linux', 'x64'], expected: 'cpu', why: 'fewest extra labels wins' },
    { labels: ['self-hosted', 'linux'], expected: 'cpu', why: 'config order breaks a tie in size' },
    { labels: ['self-hosted', 'linux', 'x64', 'gpu'], expected: 'gpu', why: 'config order breaks a tie' },
    { labels: ['self-hosted', 'linux', 'arm64'], expected: 'arm', why: 'only one pool carries arm64' },
    { labels: ['linux', 'arm64'], expected: 'arm', why: 'self-hosted may be left out' },
    { labels: ['Self-Hosted', 'LINUX', 'ARM64'], expected: 'arm', why: 'labels compare case-insensitively' },
    { labels: ['self-hosted'], expected: 'cpu', why: 'self-hosted alone fits the smallest pool' },
    { labels: [], expected: 'cpu', why: 'no labels fits the smallest pool' },
    { labels: ['self-hosted', 'linux', 'windows'], expected: undefined, why: 'no pool carries windows' },
    { labels: ['ubuntu-latest'], expected: undefined, why: 'GitHub-hosted labels match nothing' },
  ])('$why', ({ labels, expected }) => {
    expect(matchPool(labels, pools)?.name).toBe(expected);
  });

  it('matches upper-case pool labels', () => {
    const upper = [pool({ name: 'big', labels: ['BigMem'] })];

    expect(matchPool(['bigmem'], upper)?.name).toBe('big');
  });

  it('returns undefined without pools', () => {
    expect(matchPool(['self-hosted'], [])).toBeUndefined();
  });
});

describe('runnerLabels', () => {
  it('drops self-hosted because GitHub adds it', () => {
    expect(runnerLabels(pool({ name: 'p', labels: ['self-hosted', 'linux'] }))).toEqual(['linux']);
  });
});
