import { describe, expect, it } from 'vitest';

import { parseWorkflowJobEvent, PayloadError } from '../../../src/github/index.js';
import { workflowJobExamples, workflowJobPayload } from '../../helpers/github.js';

describe('parseWorkflowJobEvent', () => {
  it('parses every example that came from an App installation', () => {
    const withInstallation = workflowJobExamples.filter((example) => example.installation);
    expect(withInstallation.length).toBeGreaterThanOrEqual(4);

    for (const example of withInstallation) {
      const event = parseWorkflowJobEvent('d-1', example);
      const job = example.workflow_job as { id: number; run_id: number; labels: string[] };

      expect(event.action).toBe(example.action);
      expect(event.workflowJobId).toBe(job.id);
      expect(event.runId).toBe(job.run_id);
      expect(event.labels).toEqual(job.labels.map((label) => label.toLowerCase()));
      expect(event.installationId).toBe((example.installation as { id: number }).id);
      expect(event.createdAt.getTime()).not.toBeNaN();
    }
  });

  it('rejects every example without an installation', () => {
    const withoutInstallation = workflowJobExamples.filter((example) => !example.installation);
    expect(withoutInstallation.length).toBeGreaterThan(0);

    for (const example of withoutInstallation) {
      expect(() => parseWorkflowJobEvent('d-2', example)).toThrow(
        'workflow_job delivery d-2 is malformed: installation: required: the delivery did not come from a GitHub App installation',
      );
    }
  });

  it('translates a queued job', () => {
    const payload = workflowJobPayload('queued', {
      workflowJobId: 11,
      runId: 22,
      labels: ['self-hosted', 'Slurm'],
      repository: 'octo-org/app',
      installationId: 33,
      createdAt: '2026-01-02T03:04:05Z',
    });

    expect(parseWorkflowJobEvent('d-3', payload)).toEqual({
      deliveryId: 'd-3',
      action: 'queued',
      workflowJobId: 11,
      runId: 22,
      repository: 'octo-org/app',
      installationId: 33,
      labels: ['self-hosted', 'slurm'],
      createdAt: new Date('2026-01-02T03:04:05Z'),
      workflowName: 'CodeQL',
      jobName: 'update',
      headBranch: 'main',
    });
  });

  it('keeps start, end and conclusion of a completed job', () => {
    const payload = workflowJobPayload('completed', {
      startedAt: '2026-01-02T03:05:00Z',
      completedAt: '2026-01-02T03:09:00Z',
      conclusion: 'success',
      runnerName: 'slurm-hpc-42',
    });

    const event = parseWorkflowJobEvent('d-4', payload);

    expect(event.startedAt).toEqual(new Date('2026-01-02T03:05:00Z'));
    expect(event.completedAt).toEqual(new Date('2026-01-02T03:09:00Z'));
    expect(event.conclusion).toBe('success');
    expect(event.runnerName).toBe('slurm-hpc-42');
  });

  it('ignores the started_at that GitHub fills on queued', () => {
    const event = parseWorkflowJobEvent('d-5', workflowJobPayload('queued'));

    expect(event.startedAt).toBeUndefined();
  });

  it('lists every malformed field', () => {
    const payload = workflowJobPayload('queued') as { action: string; workflow_job: Record<string, unknown> };
    payload.action = 'requested';
    payload.workflow_job.id = 'eleven';
    payload.workflow_job.created_at = 'yesterday';

    const error = (() => {
      try {
        parseWorkflowJobEvent('d-6', payload);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(PayloadError);
    expect((error as PayloadError).problems.map((problem) => problem.split(':')[0])).toEqual([
      'action',
      'workflow_job.id',
      'workflow_job.created_at',
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(() => parseWorkflowJobEvent('d-7', 'text')).toThrow(/delivery d-7 is malformed: payload: /);
  });
});
