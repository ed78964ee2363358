import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory with the files that a valid configuration refers to. */
export interface ConfigFixture {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Writes `config.yaml` into the directory and returns its path. */
  write(text: string): string;
  remove(): void;
}

export function createConfigFixture(): ConfigFixture {
  const dir = mkdtempSync(join(tmpdir(), 'gha-slurm-config-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'app.pem'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
  writeFileSync(join(dir, 'jwt_hs256.key'), 'k'.repeat(32));
  return {
    dir,
    env: { WEBHOOK_SECRET: 'webhook-secret', LAUNCH_SECRET: 'l'.repeat(40) },
    write(text) {
      const file = join(dir, 'config.yaml');
      writeFileSync(file, text);
      return file;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The smallest valid configuration; tests replace parts of it. */
export const minimalYaml = `
github:
  appId: 12345
  privateKey: { file: app.pem }
  webhookSecret: { env: WEBHOOK_SECRET }
clusters:
  - name: hpc
    url: http://127.0.0.1:6820
    auth: { type: hs256, keyFile: jwt_hs256.key }
pools:
  - name: cpu
    cluster: hpc
    labels: [Self-Hosted, SLURM, cpu]
access:
  - pattern: octo-org/*
    clusterUser: ci-octo
runner:
  callbackUrl: http://127.0.0.1:9090/runners/jit-config
  installDir: /opt/actions-runner
  launchTokenSecret: { env: LAUNCH_SECRET }
`;
