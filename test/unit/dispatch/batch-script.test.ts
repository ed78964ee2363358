import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const batchScript = join(import.meta.dirname, '../../../runner/batch.sh');
const token = 'launch-token-that-must-stay-secret';

interface Seen {
  authorization?: string;
  accept?: string;
  body: string;
}

/** Records its arguments and the configuration from its environment, then exits with `RUN_EXIT`. */
const standIn = [
  '#!/bin/bash',
  'here=$(dirname "$0")',
  'for argument in "$@"; do printf "%s\\n" "$argument"; done > "$here/args"',
  '[[ -n "${ACTIONS_RUNNER_INPUT_JITCONFIG:-}" ]] || { echo "run.sh: ACTIONS_RUNNER_INPUT_JITCONFIG is missing" >&2; exit 2; }',
  'printf "%s" "$ACTIONS_RUNNER_INPUT_JITCONFIG" > "$here/config"',
  'exit "${RUN_EXIT:-0}"',
  '',
].join('\n');

let dir: string;
let server: Server | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gha-slurm-batch-'));
  writeFileSync(join(dir, 'run.sh'), standIn);
  chmodSync(join(dir, 'run.sh'), 0o755);
});

afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Serves the callback with the given replies in order, recording each request. */
async function callbackServer(replies: { status: number; body: string }[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ authorization: request.headers.authorization, accept: request.headers.accept, body });
      const reply = replies[Math.min(seen.length - 1, replies.length - 1)]!;
      response.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/runners/jit-config`, seen };
}

function runBatch(environment: Record<string, string>): Promise<{ code: number; stderr: string; stdout: string }> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GHA_SLURM_LAUNCH_TOKEN: token,
    GHA_SLURM_RUNNER_DIR: dir,
    SLURM_JOB_ID: '4242',
    GHA_SLURM_CALLBACK_MAX_DELAY: '0',
    ...environment,
  };
  return new Promise((resolve) => {
    execFile('bash', [batchScript], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe('runner/batch.sh', () => {
  it('passes the configuration in the environment', async () => {
    const { url, seen } = await callbackServer([{ status: 200, body: 'encoded-config' }]);

    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: url });

    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, 'config'), 'utf8')).toBe('encoded-config');
    expect(readFileSync(join(dir, 'args'), 'utf8')).toBe('');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toBe(`Bearer ${token}`);
    expect(seen[0]!.accept).toBe('text/plain');
    expect(JSON.parse(seen[0]!.body)).toEqual({ slurmJobId: '4242' });
  });

  it('exits with the runner status', async () => {
    const { url } = await callbackServer([{ status: 200, body: 'encoded-config' }]);

    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: url, RUN_EXIT: '3' });

    expect(result.code).toBe(3);
  });

  it('retries server errors then succeeds', async () => {
    const { url, seen } = await callbackServer([
      { status: 502, body: '{"error":"github"}' },
      { status: 503, body: '' },
      { status: 200, body: 'encoded-config' },
    ]);

    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: url });

    expect(result.code).toBe(0);
    expect(seen).toHaveLength(3);
    expect(result.stderr).toContain('HTTP 502');
  });

  it.each([401, 403, 409, 410])('stops without retrying on %i', async (status) => {
    const { url, seen } = await callbackServer([{ status, body: '{"error":"rejected"}' }]);

    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: url });

    expect(result.code).toBe(65);
    expect(seen).toHaveLength(1);
    expect(result.stderr).toContain(`HTTP ${status}`);
  });

  it('gives up after bounded attempts when unreachable', async () => {
    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: 'http://127.0.0.1:9/runners/jit-config', GHA_SLURM_CALLBACK_ATTEMPTS: '2' });

    expect(result.code).toBe(69);
    expect(result.stderr).toContain('attempt 2 of 2');
  });

  it('never prints the token or the configuration', async () => {
    const { url } = await callbackServer([{ status: 200, body: 'encoded-config' }]);

    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: url });

    expect(result.stderr + result.stdout).not.toContain(token);
    expect(result.stderr + result.stdout).not.toContain('encoded-config');
  });

  it('rejects a missing variable', async () => {
    const result = await runBatch({ GHA_SLURM_CALLBACK_URL: '', GHA_SLURM_RUNNER_DIR: dir });

    expect(result.code).toBe(64);
    expect(result.stderr).toContain('GHA_SLURM_CALLBACK_URL');
  });
});
