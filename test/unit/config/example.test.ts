import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseConfig } from '../../../src/config/index.js';
import { createConfigFixture, type ConfigFixture } from './fixture.js';

let fixture: ConfigFixture;

beforeEach(() => {
  fixture = createConfigFixture();
});

afterEach(() => {
  fixture.remove();
});

describe('examples/config.yaml', () => {
  it('loads when its files exist', () => {
    const example = readFileSync(new URL('../../../examples/config.yaml', import.meta.url), 'utf8');
    const key = readFileSync(join(fixture.dir, 'app.pem'), 'utf8');
    for (const name of ['github-app.pem', 'gpu-jwt.pem']) {
      writeFileSync(join(fixture.dir, name), key);
    }
    writeFileSync(join(fixture.dir, 'hpc1-jwt_hs256.key'), 'k'.repeat(32));
    writeFileSync(join(fixture.dir, 'launch-token-secret'), 's'.repeat(64));
    writeFileSync(join(fixture.dir, 'gpu-batch.sh'), '#!/bin/bash\n');

    const config = parseConfig(example.replaceAll('/etc/gha-slurm/', `${fixture.dir}/`), {
      env: { GHA_SLURM_WEBHOOK_SECRET: 'webhook' },
      baseDir: fixture.dir,
    });

    expect(config.pools.map((pool) => pool.name)).toEqual(['cpu', 'cpu-large', 'gpu']);
    expect(config.access[0]?.clusterUsers).toEqual({ gpu: 'ci_physics' });
    expect(config.clusters[1]?.auth).toEqual({ type: 'rs256', privateKeyFile: join(fixture.dir, 'gpu-jwt.pem'), keyId: 'gha-slurm-2026' });
  });
});
