import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const rootDir = join(import.meta.dirname, '..', '..', '..');
const dockerfile = readFileSync(join(rootDir, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(rootDir, '.dockerignore'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));
const values = parse(readFileSync(join(rootDir, 'charts', 'gha-slurm', 'values.yaml'), 'utf8'));
const packageJson = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8'));

/** Returns the instructions of the last stage, the one the image runs. */
function runtimeStage(): string[] {
  const stages = dockerfile.split(/^FROM /m);
  return stages.at(-1)!.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

describe('Dockerfile', () => {
  it('builds in several stages', () => {
    expect(dockerfile).toMatch(/^FROM \S+ AS build$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/RUN npm run build/);
  });

  it('runs as the chart user', () => {
    const user = runtimeStage().find((line) => line.startsWith('USER '));

    expect(user).toBe(`USER ${values.podSecurityContext.runAsUser}:${values.podSecurityContext.runAsGroup}`);
  });

  it('starts the package binary', () => {
    const entrypoint = runtimeStage().find((line) => line.startsWith('ENTRYPOINT '));

    expect(entrypoint).toBe(`ENTRYPOINT ["node", "${packageJson.bin['gha-slurm']}"]`);
  });

  it('defaults to the chart arguments', () => {
    const command = runtimeStage().find((line) => line.startsWith('CMD '));

    expect(command).toBe(`CMD ${JSON.stringify(values.args).replaceAll(',', ', ')}`);
  });

  it('exposes the chart ports', () => {
    expect(runtimeStage()).toContain(`EXPOSE ${values.containerPorts.webhook} ${values.containerPorts.internal}`);
  });

  it('copies only paths that exist and are not ignored', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1]!.split(' '));

    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect(existsSync(join(rootDir, source)), source).toBe(true);
      expect(dockerignore, source).not.toContain(source);
    }
  });

  it('bakes in no secret', () => {
    expect(dockerfile).not.toMatch(/^\s*(ENV|ARG)\s+\S*(SECRET|TOKEN|PASSWORD|KEY)/im);
    for (const pattern of ['*.pem', '*.key', '.env']) expect(dockerignore).toContain(pattern);
  });
});
