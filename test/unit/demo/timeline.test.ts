import { describe, expect, it } from 'vitest';
import { StepTimeoutError, Timeline } from '../../../demo/timeline.js';

describe('Timeline', () => {
  it('resolves a wait on a later event', async () => {
    const timeline = new Timeline(() => undefined);
    const waiting = timeline.waitFor('job 1', 'callback', 'the callback', 1000);

    timeline.record({ job: 'job 1', step: 'callback', text: 'callback', data: { status: 200 } });

    expect((await waiting).data).toEqual({ status: 200 });
  });

  it('resolves a wait on an earlier event', async () => {
    const timeline = new Timeline(() => undefined);
    timeline.record({ job: 'job 1', step: 'slurm-state', text: 'RUNNING', data: { state: 'RUNNING' } });

    const event = await timeline.waitFor('job 1', 'slurm-state', 'running', 1000, (candidate) => candidate.data?.state === 'RUNNING');

    expect(event.text).toBe('RUNNING');
  });

  it('ignores events of other jobs and filters', async () => {
    const timeline = new Timeline(() => undefined);
    const waiting = timeline.waitFor('job 1', 'slurm-state', 'the end', 1000, (event) => event.data?.state === 'COMPLETED');

    timeline.record({ job: 'job 2', step: 'slurm-state', text: 'COMPLETED', data: { state: 'COMPLETED' } });
    timeline.record({ job: 'job 1', step: 'slurm-state', text: 'RUNNING', data: { state: 'RUNNING' } });
    timeline.record({ job: 'job 1', step: 'slurm-state', text: 'COMPLETED', data: { state: 'COMPLETED' } });

    expect((await waiting).job).toBe('job 1');
    expect((await waiting).text).toBe('COMPLETED');
  });

  it('rejects a wait that times out, naming the step', async () => {
    const timeline = new Timeline(() => undefined);

    const waiting = timeline.waitFor('job 2', 'callback', 'the callback', 20);

    await expect(waiting).rejects.toThrow(StepTimeoutError);
    await expect(waiting).rejects.toThrow('job 2: timed out after 0.02 s waiting for the callback');
  });

  it('prints quiet events only when verbose', () => {
    const quietLines: string[] = [];
    const verboseLines: string[] = [];
    const event = { job: 'github', step: 'api-call', text: 'GitHub API GET /app -> 200', quiet: true };

    new Timeline((line) => quietLines.push(line)).record(event);
    new Timeline((line) => verboseLines.push(line), true).record(event);

    expect(quietLines).toEqual([]);
    expect(verboseLines).toHaveLength(1);
    expect(verboseLines[0]).toContain('GitHub API GET /app -> 200');
  });

  it('prints the time since the job clock started', () => {
    const lines: string[] = [];
    const timeline = new Timeline((line) => lines.push(line));

    timeline.startClock('job 1');
    timeline.record({ job: 'job 1', step: 'delivery-sent-queued', text: 'delivery sent' });

    expect(lines[0]).toMatch(/^ +\+0\.0\d\ds {2}job 1 {4}delivery sent$/);
  });
});
