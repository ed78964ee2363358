import { verify } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';

import { fakeGitHubUrl, rejectUnhandledExceptLoopback, signedWorkflowJob } from '../../helpers/github.js';

function isRejected(url: string): boolean {
  let rejected = false;
  rejectUnhandledExceptLoopback(new Request(url), {
    error: () => {
      rejected = true;
    },
  });
  return rejected;
}

describe('test GitHub helpers', () => {
  it('lets only loopback servers pass unhandled', () => {
    expect(isRejected('http://127.0.0.1:43210/github/webhooks')).toBe(false);
    expect(isRejected('http://localhost:43210/healthz')).toBe(false);
    expect(isRejected('https://api.github.com/app')).toBe(true);
    expect(isRejected(`${fakeGitHubUrl}/app/unknown`)).toBe(true);
  });

  it('signs deliveries that verify', async () => {
    const delivery = await signedWorkflowJob('queued', 'secret', { labels: ['slurm'] }, 'd-1');

    expect(delivery.headers['x-github-delivery']).toBe('d-1');
    expect(delivery.headers['x-github-event']).toBe('workflow_job');
    expect(await verify('secret', delivery.body, delivery.headers['x-hub-signature-256'] ?? '')).toBe(true);
    expect(await verify('other', delivery.body, delivery.headers['x-hub-signature-256'] ?? '')).toBe(false);
  });
});
