import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const standIn = join(import.meta.dirname, '../../../demo/runner/run.sh');

function runStandIn(args: string[], environment: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...environment };
  return new Promise((resolve) => {
    execFile('bash', [standIn, ...args], { env }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stderr });
    });
  });
}

describe('demo runner stand-in', () => {
  it('fails clearly without ACTIONS_RUNNER_INPUT_JITCONFIG', async () => {
    const result = await runStandIn([], {});

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ACTIONS_RUNNER_INPUT_JITCONFIG is missing');
  });

  it('rejects arguments without printing them', async () => {
    const result = await runStandIn(['--jitconfig', 'secret-config'], { ACTIONS_RUNNER_INPUT_JITCONFIG: 'secret-config' });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('got 2 arguments but takes none');
    expect(result.stderr).not.toContain('secret-config');
  });
});
