import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { createConfigFixture, minimalYaml, type ConfigFixture } from '../config/fixture.js';

let fixture: ConfigFixture;

beforeEach(() => {
  fixture = createConfigFixture();
});

afterEach(() => {
  fixture.remove();
});

async function problemsOf(text: string): Promise<string> {
  const error = await loadConfig(fixture.write(text), fixture.env).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as Error).message;
}

describe('hostile configuration files', () => {
  it('reports an alias bomb as a configuration error', async () => {
    const layers = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [index, name] of ['b', 'c', 'd', 'e', 'f'].entries()) {
      const previous = String.fromCharCode('a'.charCodeAt(0) + index);
      layers.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }

    const message = await problemsOf(`${layers.join('\n')}\n${minimalYaml}`);

    expect(message).toContain('config.yaml');
    expect(message).toContain('alias');
  });

  it.each(['.nan', '.inf', '-.inf'])('names the value %s of a number field', async (value) => {
    const message = await problemsOf(minimalYaml.replace('appId: 12345', `appId: ${value}`));

    expect(message).toContain('github.appId');
    expect(message).not.toContain('null');
  });

  it('rejects a Slurm request timeout that timers cannot hold', async () => {
    const text = minimalYaml.replace('keyFile: jwt_hs256.key }', 'keyFile: jwt_hs256.key }\n    requestTimeoutMs: 99999999999');

    const message = await problemsOf(text);

    expect(message).toContain('clusters[0].requestTimeoutMs');
  });

  it('rejects a reconcile interval that timers cannot hold', async () => {
    const message = await problemsOf(`${minimalYaml}reconcileIntervalSeconds: 3000000\n`);

    expect(message).toContain('reconcileIntervalSeconds');
  });
});

describe('URLs in configuration files', () => {
  it.each([
    ['a space in the path', 'http://127.0.0.1:9090/gha slurm/runners/jit-config', 'http://127.0.0.1:9090/gha%20slurm/runners/jit-config'],
    ['surrounding spaces', ' http://127.0.0.1:9090/runners/jit-config ', 'http://127.0.0.1:9090/runners/jit-config'],
  ])('stores the callback URL with %s as curl needs it', async (_name, written, expected) => {
    const text = minimalYaml.replace('callbackUrl: http://127.0.0.1:9090/runners/jit-config', `callbackUrl: "${written}"`);

    const config = await loadConfig(fixture.write(text), fixture.env);

    expect(config.runner.callbackUrl).toBe(expected);
  });
});
