import createClient from 'openapi-fetch';

import type { paths } from '../../../generated/slurmrestd-v0.0.43.js';
import { createCurrentAdapter, currentJobDescription, type SubmitBody } from './current.js';
import type { AdapterOptions, VersionAdapter } from './types.js';

/** Creates the adapter for v0.0.43, served by Slurm 26.05. */
export function createAdapterV0043(options: AdapterOptions): VersionAdapter {
  const client = createClient<paths>({ baseUrl: options.baseUrl, Request: options.Request });
  return createCurrentAdapter('v0.0.43', client, options, (job) => {
    const body: SubmitBody<paths, 'v0.0.43'> = { job: currentJobDescription(job) };
    return body;
  });
}
