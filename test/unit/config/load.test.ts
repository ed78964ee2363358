import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig, parseConfig } from '../../../src/config/index.js';
import { createConfigFixture, minimalYaml, type ConfigFixture } from './fixture.js';

let fixture: ConfigFixture;

beforeEach(() => {
  fixture = createConfigFixture();
});

afterEach(() => {
  fixture.remove();
});

async function problemsOf(text: string, env = fixture.env): Promise<string[]> {
  const error = await loadConfig(fixture.write(text), env).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe('loadConfig', () => {
  it('applies every default to a minimal file', async () => {
    const config = await loadConfig(fixture.write(minimalYaml), fixture.env);

    expect(config.github.apiUrl).toBe('https://api.github.com');
    expect(config.github.runnerGroupId).toBe(1);
    expect(config.github.runnerScope).toBe('repository');
    expect(config.github.webhookSecret).toBe('webhook-secret');
    expect(config.github.privateKey).toContain('BEGIN RSA PRIVATE KEY');
    expect(config.clusters[0]).toMatchObject({
      apiVersion: 'auto',
      slurmUser: 'slurm',
      tokenLifetimeSeconds: 300,
      requestTimeoutMs: 30_000,
      auth: { type: 'hs256', keyFile: join(fixture.dir, 'jwt_hs256.key') },
    });
    expect(config.pools[0]).toMatchObject({ cpus: 1, timeLimitMinutes: 360, maxRunners: 10, idleTimeoutSeconds: 300, environment: {} });
    expect(config.runner).toMatchObject({
      launchTokenLifetimeSeconds: 86_400,
      namePrefix: 'slurm',
      workDir: '/tmp/gha-slurm-%u',
      maxAttempts: 3,
    });
    expect(config.store.path).toBe(join(fixture.dir, 'gha-slurm.db'));
    expect(config.server).toEqual({ webhook: { host: '0.0.0.0', port: 8080 }, bodyLimitBytes: 1_048_576 });
    expect(config.log.level).toBe('info');
    expect(config.reconcileIntervalSeconds).toBe(30);
  });

  it('lower-cases labels and drops self-hosted', async () => {
    const config = await loadConfig(fixture.write(minimalYaml), fixture.env);

    expect(config.pools[0]?.labels).toEqual(['slurm', 'cpu']);
  });

  it('reads a secret file without its trailing newline', async () => {
    writeFileSync(join(fixture.dir, 'webhook'), 'from-file\n');
    const text = minimalYaml.replace('webhookSecret: { env: WEBHOOK_SECRET }', 'webhookSecret: { file: webhook }');

    const config = await loadConfig(fixture.write(text), fixture.env);

    expect(config.github.webhookSecret).toBe('from-file');
  });

  it('lists every problem at once with its path', async () => {
    const text = minimalYaml
      .replace('cluster: hpc\n', 'cluster: nowhere\n')
      .replace('keyFile: jwt_hs256.key', 'keyFile: /x/missing.key')
      .replace('appId: 12345', 'appId: "twelve"');

    const problems = await problemsOf(text);

    expect(problems).toContain('github.appId: must be a number, not string "twelve"');
    expect(problems).toContain('clusters[0].auth.keyFile: file /x/missing.key not found');
  });

  it('reports a missing required key as required', async () => {
    const problems = await problemsOf(minimalYaml.replace('    cluster: hpc\n', ''));

    expect(problems).toEqual(['pools[0].cluster: required']);
  });

  it('reports cross references after the schema passes', async () => {
    const problems = await problemsOf(minimalYaml.replace('    cluster: hpc\n', '    cluster: nowhere\n'));

    expect(problems).toEqual(['pools[0].cluster: cluster "nowhere" is not defined; defined clusters: hpc']);
  });

  it('rejects unknown keys by name', async () => {
    const problems = await problemsOf(`${minimalYaml}reconcileInterval: 10\n`);

    expect(problems).toEqual(['reconcileInterval: unknown key; check its spelling against docs/configuration.md']);
  });

  it('rejects inline secrets', async () => {
    const problems = await problemsOf(minimalYaml.replace('{ env: WEBHOOK_SECRET }', 'hunter2'));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^github\.webhookSecret: must be \{ file: PATH \} or \{ env: VARIABLE \}/);
  });

  it('rejects an unset secret variable', async () => {
    const problems = await problemsOf(minimalYaml, { LAUNCH_SECRET: 'l'.repeat(40) });

    expect(problems).toEqual(['github.webhookSecret: environment variable WEBHOOK_SECRET is not set or empty']);
  });

  it('rejects a short launch token secret', async () => {
    const problems = await problemsOf(minimalYaml, { ...fixture.env, LAUNCH_SECRET: 'short' });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^runner\.launchTokenSecret: is 5 characters long; use at least 32/);
  });

  it('rejects a token lifetime under a minute', async () => {
    const yaml = minimalYaml.replace('auth: { type: hs256, keyFile: jwt_hs256.key }', 'auth: { type: hs256, keyFile: jwt_hs256.key }\n    tokenLifetimeSeconds: 30');

    const problems = await problemsOf(yaml);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^clusters\[0\]\.tokenLifetimeSeconds: .*60/);
  });

  it('rejects a private key that is not PEM', async () => {
    writeFileSync(join(fixture.dir, 'app.pem'), 'not a key');

    const problems = await problemsOf(minimalYaml);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^github\.privateKey: is not a PEM private key/);
  });

  // root reads any file, so the check cannot fail there.
  it.skipIf(process.getuid?.() === 0)('rejects an unreadable key file', async () => {
    chmodSync(join(fixture.dir, 'jwt_hs256.key'), 0o000);

    const problems = await problemsOf(minimalYaml);

    expect(problems).toEqual([`clusters[0].auth.keyFile: file ${join(fixture.dir, 'jwt_hs256.key')} is not readable by this user`]);
  });

  it('names a missing configuration file', async () => {
    const file = join(fixture.dir, 'absent.yaml');

    await expect(loadConfig(file, {})).rejects.toThrow(`configuration file ${file} not found`);
  });

  it('reports YAML syntax errors', () => {
    expect(() => parseConfig('github: [unclosed', { env: {}, baseDir: fixture.dir })).toThrow(/invalid YAML: /);
  });
});
