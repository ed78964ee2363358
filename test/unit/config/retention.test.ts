import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { createConfigFixture, minimalYaml, type ConfigFixture } from './fixture.js';

let fixture: ConfigFixture;

beforeEach(() => {
  fixture = createConfigFixture();
});

afterEach(() => {
  fixture.remove();
});

describe('store.retentionDays', () => {
  it('defaults to 14 days', async () => {
    const config = await loadConfig(fixture.write(minimalYaml), fixture.env);

    expect(config.store.retentionDays).toBe(14);
  });

  it('takes a value from the file', async () => {
    const config = await loadConfig(fixture.write(`${minimalYaml}store:\n  retentionDays: 90\n`), fixture.env);

    expect(config.store.retentionDays).toBe(90);
    expect(config.store.path).toMatch(/gha-slurm\.db$/);
  });

  it.each([0, -1, 1.5, '7'])('rejects %j', async (value) => {
    const error = await loadConfig(fixture.write(`${minimalYaml}store:\n  retentionDays: ${JSON.stringify(value)}\n`), fixture.env).catch(
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(ConfigError);
    const paths = (error as ConfigError).problems.map((problem) => problem.path);
    expect(paths).toEqual(['store.retentionDays']);
  });
});
