import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const batchScript = join(import.meta.dirname, '../../../runner/batch.sh');
const token = 'launch-token-that-must-stay-secret';

/** Records its arguments and the configuration from its environment. */
const standIn = [
  '#!/bin/bash',
  'here=$(dirname "$0")',
  'for argument in "$@"; do printf "%s\\n" "$argument"; done > "$here/args"',
  '[[ -n "${ACTIONS_RUNNER_INPUT_JITCONFIG:-}" ]] || { echo "run.sh: ACTIONS_RUNNER_INPUT_JITCONFIG is missing" >&2; exit 2; }',
  'printf "%s" "$ACTIONS_RUNNER_INPUT_JITCONFIG" > "$here/config"',
  '',
].join('\n');

let base: string;
let runnerDir: string;
let server: Server | undefined;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'gha-slurm-batch-attack-'));
  runnerDir = join(base, 'dir with "quotes" $(id) and\nnewline');
  mkdirSync(runnerDir);
  writeFileSync(join(runnerDir, 'run.sh'), standIn);
  chmodSync(join(runnerDir, 'run.sh'), 0o755);
});

afterEach(async () => {
  rmSync(base, { recursive: true, force: true });
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Serves the callback with `replies` in order; the last one repeats. */
async function callbackServer(replies: { status: number; body: string }[]): Promise<{ url: string; count: () => number }> {
  let count = 0;
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const reply = replies[Math.min(count, replies.length - 1)]!;
      count += 1;
      response.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/runners/jit-config?a=b%20c&d=%22e%22`, count: () => count };
}

function runBatch(environment: Record<string, string>): Promise<{ code: number; output: string }> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GHA_SLURM_LAUNCH_TOKEN: token,
    GHA_SLURM_RUNNER_DIR: runnerDir,
    SLURM_JOB_ID: '4242',
    GHA_SLURM_CALLBACK_MAX_DELAY: '0',
    GHA_SLURM_CALLBACK_ATTEMPTS: '3',
    ...environment,
  };
  return new Promise((resolve) => {
    execFile('bash', [batchScript], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, output: stdout + stderr });
    });
  });
}

describe('batch script against hostile surroundings', () => {
  it('runs from a runner directory with quotes and a newline', async () => {
    const { url } = await callbackServer([{ status: 200, body: 'ZW5jb2RlZA==' }]);

    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: url });

    expect(result.code).toBe(0);
    expect(readFileSync(join(runnerDir, 'config'), 'utf8')).toBe('ZW5jb2RlZA==');
    expect(readFileSync(join(runnerDir, 'args'), 'utf8')).toBe('');
  });

  it.each([
    ['an empty body', ''],
    ['an HTML page', '<html><body>proxy login</body></html>'],
  ])('retries a 200 with %s', async (_name, body) => {
    const { url, count } = await callbackServer([
      { status: 200, body },
      { status: 200, body: 'ZW5jb2RlZA==' },
    ]);

    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: url });

    expect(result.code).toBe(0);
    expect(count()).toBe(2);
    expect(readFileSync(join(runnerDir, 'config'), 'utf8')).toBe('ZW5jb2RlZA==');
    expect(readFileSync(join(runnerDir, 'args'), 'utf8')).toBe('');
  });

  it('gives up on garbage without starting the runner', async () => {
    const { url, count } = await callbackServer([{ status: 200, body: 'not a configuration' }]);

    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: url });

    expect(result.code).toBe(69);
    expect(count()).toBe(3);
    expect(existsSync(join(runnerDir, 'args'))).toBe(false);
    expect(result.output).toContain('3 times');
  });

  it('never prints the token on a rejection', async () => {
    const { url } = await callbackServer([{ status: 410, body: `{"error":"no longer needed"}` }]);

    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: url });

    expect(result.code).toBe(65);
    expect(result.output).not.toContain(token);
  });

  it('rejects an attempt count that is not a number', async () => {
    const marker = join(base, 'ran');
    const { url, count } = await callbackServer([{ status: 200, body: 'ZW5jb2RlZA==' }]);

    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: url, GHA_SLURM_CALLBACK_ATTEMPTS: `a[$(touch '${marker}')]` });

    expect(result.code).toBe(64);
    expect(result.output).toContain('GHA_SLURM_CALLBACK_ATTEMPTS');
    expect(existsSync(marker)).toBe(false);
    expect(count()).toBe(0);
  });
});
