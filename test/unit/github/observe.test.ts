import { describe, expect, it } from 'vitest';

import { observingFetch, operationOf, type GitHubRequestEvent } from '../../../src/github/index.js';

describe('operationOf', () => {
  it('names each GitHub route', () => {
    const base = 'http://127.0.0.1:9/api/v3';

    expect(operationOf('GET', `${base}/app`)).toBe('getApp');
    expect(operationOf('GET', `${base}/app/installations?per_page=100`)).toBe('listInstallations');
    expect(operationOf('POST', `${base}/app/installations/7/access_tokens`)).toBe('getInstallationToken');
    expect(operationOf('POST', `${base}/orgs/o/actions/runners/generate-jitconfig`)).toBe('generateJitConfig');
    expect(operationOf('GET', `${base}/repos/o/r/actions/runners?name=x`)).toBe('listRunners');
    expect(operationOf('DELETE', `${base}/repos/o/r/actions/runners/12`)).toBe('deleteRunner');
    expect(operationOf('GET', `${base}/repos/o/r/actions/jobs/99`)).toBe('getWorkflowJob');
    expect(operationOf('GET', `${base}/repos/o/r`)).toBe('other');
  });
});

describe('observingFetch', () => {
  it('reports a request without response', async () => {
    const events: GitHubRequestEvent[] = [];
    const failing: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const observed = observingFetch({ onRequest: (event) => events.push(event) }, failing);

    await expect(observed('http://127.0.0.1:9/api/v3/app')).rejects.toThrow('fetch failed');
    expect(events).toEqual([{ operation: 'getApp' }]);
  });

  it('ignores a missing rate-limit header', async () => {
    const remaining: number[] = [];
    const answering: typeof fetch = async () => new Response('{}', { status: 200 });
    const observed = observingFetch({ onRateLimit: (value) => remaining.push(value) }, answering);

    await observed(new Request('http://127.0.0.1:9/api/v3/app', { method: 'GET' }));

    expect(remaining).toEqual([]);
  });
});
