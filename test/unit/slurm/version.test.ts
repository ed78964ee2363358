import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { SlurmApiError } from '../../../src/slurm/errors.js';
import { chooseApiVersion, compareApiVersions, readRelease, servedApiVersions } from '../../../src/slurm/version.js';

const context = { cluster: 'hpc', url: 'http://127.0.0.1:6820/openapi/v3' };
const supported = ['v0.0.38', 'v0.0.40', 'v0.0.41', 'v0.0.42'];

describe('servedApiVersions', () => {
  it('reads the versions of the 22.05 spec', () => {
    const spec: unknown = JSON.parse(readFileSync(new URL('../../../openapi/slurmrestd-v0.0.38.json', import.meta.url), 'utf8'));

    expect(servedApiVersions(spec)).toEqual(['v0.0.38']);
  });

  it('sorts versions numerically and skips slurmdb paths', () => {
    const spec = { paths: { '/slurm/v0.0.100/ping/': {}, '/slurm/v0.0.42/ping/': {}, '/slurmdb/v0.0.42/jobs/': {}, '/openapi/v3': {} } };

    expect(servedApiVersions(spec)).toEqual(['v0.0.42', 'v0.0.100']);
  });

  it('returns nothing for a body without paths', () => {
    expect(servedApiVersions('Authentication failure')).toEqual([]);
  });
});

describe('chooseApiVersion', () => {
  it('takes the newest common version', () => {
    expect(chooseApiVersion('auto', ['v0.0.40', 'v0.0.41', 'v0.0.42', 'v0.0.43'], supported, context)).toBe('v0.0.42');
  });

  it('keeps a pinned served version', () => {
    expect(chooseApiVersion('v0.0.40', ['v0.0.40', 'v0.0.42'], supported, context)).toBe('v0.0.40');
  });

  it('names both lists when nothing matches', () => {
    let error: unknown;
    try {
      chooseApiVersion('auto', ['v0.0.36', 'v0.0.37'], supported, context);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(SlurmApiError);
    expect((error as SlurmApiError).failure).toBe('unsupported-version');
    expect((error as SlurmApiError).message).toContain('it serves v0.0.36, v0.0.37, gha-slurm supports v0.0.38, v0.0.40');
  });
});

describe('compareApiVersions', () => {
  it('compares numerically', () => {
    expect(compareApiVersions('v0.0.9', 'v0.0.10')).toBeLessThan(0);
  });
});

describe('readRelease', () => {
  it('reads meta.Slurm of v0.0.38', () => {
    expect(readRelease({ meta: { Slurm: { release: '22.05.8' } } })).toBe('22.05.8');
  });

  it('reads meta.slurm of v0.0.40 and later', () => {
    expect(readRelease({ meta: { slurm: { release: '24.11.5' } } })).toBe('24.11.5');
  });

  it('builds the release from version numbers', () => {
    expect(readRelease({ meta: { slurm: { version: { major: '26', minor: '5', micro: '5' } } } })).toBe('26.05.5');
  });
});
