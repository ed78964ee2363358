import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { runCli, type CliEnvironment } from '../../../src/cli.js';
import type { Config } from '../../../src/config/types.js';
import { silentLogger } from '../../../src/log.js';
import { createConfigFixture, minimalYaml, type ConfigFixture } from '../config/fixture.js';

let fixture: ConfigFixture;

beforeEach(() => {
  fixture = createConfigFixture();
});

afterEach(() => {
  fixture.remove();
});

/** Runs the CLI with captured output and replaced service, doctor and signals. */
function harness(overrides: Partial<CliEnvironment> = {}) {
  const output = { stdout: '', stderr: '' };
  const signals = new EventEmitter();
  const environment: Partial<CliEnvironment> = {
    stdout: { write: (text: string) => (output.stdout += text) },
    stderr: { write: (text: string) => (output.stderr += text) },
    env: fixture.env,
    signals: signals as unknown as CliEnvironment['signals'],
    createLogger: () => silentLogger(),
    importService: () => Promise.reject(new Error('serve is not expected in this test')),
    importDoctor: () => Promise.reject(new Error('doctor is not expected in this test')),
    ...overrides,
  };
  return { output, signals, run: (args: string[]) => runCli(args, environment) };
}

describe('gha-slurm command line', () => {
  it('prints help', async () => {
    const { output, run } = harness();

    expect(await run(['--help'])).toBe(0);
    expect(output.stdout).toMatch(/^Usage: gha-slurm <command> --config FILE/);
  });

  it('prints the package version', async () => {
    const { output, run } = harness();
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

    expect(await run(['--version'])).toBe(0);
    expect(output.stdout).toBe(`${manifest.version}\n`);
  });

  it('rejects an unknown command with usage', async () => {
    const { output, run } = harness();

    expect(await run(['start', '--config', 'x.yaml'])).toBe(2);
    expect(output.stderr).toMatch(/^gha-slurm: unknown command "start"; expected one of serve, check-config, doctor\n\nUsage:/);
  });

  it('rejects an unknown option by name', async () => {
    const { output, run } = harness();

    expect(await run(['serve', '--port', '80'])).toBe(2);
    expect(output.stderr).toMatch(/^gha-slurm: Unknown option '--port'/);
  });

  it('requires --config', async () => {
    const { output, run } = harness();

    expect(await run(['check-config'])).toBe(2);
    expect(output.stderr).toMatch(/^gha-slurm: missing --config FILE for check-config/);
  });

  it('prints every configuration problem', async () => {
    const { output, run } = harness();
    const file = fixture.write(minimalYaml.replace('    cluster: hpc\n', '').replace('appId: 12345', 'appId: -1'));

    expect(await run(['check-config', '--config', file])).toBe(1);
    expect(output.stderr).toBe(
      'gha-slurm: invalid configuration; 2 problem(s):\n  github.appId: must be greater than 0\n  pools[0].cluster: required\n',
    );
  });

  it('describes a valid configuration without secrets', async () => {
    const { output, run } = harness();
    const file = fixture.write(minimalYaml);

    expect(await run(['check-config', '-c', file])).toBe(0);
    expect(output.stdout).toContain(`Configuration ${file} is valid.`);
    expect(output.stdout).toContain('cpu: labels [slurm, cpu] on hpc');
    expect(output.stdout).toContain('octo-org/*: cpu as ci-octo');
    expect(output.stdout).not.toContain('webhook-secret');
    expect(output.stdout).not.toContain('PRIVATE KEY');
  });

  it('returns the doctor status and prints its report', async () => {
    const seen: Config[] = [];
    const { output, run } = harness({
      importDoctor: async () => ({
        runDoctor: async (config: Config, options: { output: (text: string) => void }) => {
          seen.push(config);
          options.output('github: FAIL\n');
          return 1;
        },
      }),
    });

    expect(await run(['doctor', '--config', fixture.write(minimalYaml)])).toBe(1);
    expect(seen[0]?.github.appId).toBe(12345);
    expect(output.stdout).toBe('github: FAIL\n');
  });

  it('closes the service on SIGTERM', async () => {
    const events: string[] = [];
    const { signals, run } = harness({
      importService: async () => ({
        startService: async (config: Config) => {
          events.push(`started ${config.pools[0]?.name}`);
          return { close: async () => void events.push('closed') };
        },
      }),
    });

    const status = run(['serve', '--config', fixture.write(minimalYaml)]);
    await expect.poll(() => events).toEqual(['started cpu']);
    signals.emit('SIGTERM', 'SIGTERM');

    expect(await status).toBe(0);
    expect(events).toEqual(['started cpu', 'closed']);
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT')).toBe(0);
  });

  it('exits 1 when the service fails to start', async () => {
    const { output, run } = harness({
      importService: async () => ({
        startService: async () => {
          throw new Error('listen EADDRINUSE: address already in use 0.0.0.0:8080');
        },
      }),
    });

    expect(await run(['serve', '--config', fixture.write(minimalYaml)])).toBe(1);
    expect(output.stderr).toBe('gha-slurm: the service failed to start: listen EADDRINUSE: address already in use 0.0.0.0:8080\n');
  });

  it('exits 1 when closing the service fails', async () => {
    const { signals, run } = harness({
      importService: async () => ({
        startService: async () => ({
          close: async () => {
            throw new Error('store busy');
          },
        }),
      }),
    });

    const status = run(['serve', '--config', fixture.write(minimalYaml)]);
    await expect.poll(() => signals.listenerCount('SIGINT')).toBe(1);
    signals.emit('SIGINT', 'SIGINT');

    expect(await status).toBe(1);
  });

  it('runs as an executable through tsx', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'frobnicate'], {
      cwd: new URL('../../../', import.meta.url),
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^gha-slurm: unknown command "frobnicate"/);
  });
});
