import createClient from 'openapi-fetch';

import type { paths } from '../../../generated/slurmrestd-v0.0.42.js';
import { createCurrentAdapter, currentJobDescription, type SubmitBody } from './current.js';
import type { AdapterOptions, VersionAdapter } from './types.js';

/** Creates the adapter for v0.0.42, served by Slurm 24.11, and by 26.05 as deprecated. */
export function createAdapterV0042(options: AdapterOptions): VersionAdapter {
  const client = createClient<paths>({ baseUrl: options.baseUrl, Request: options.Request });
  return createCurrentAdapter('v0.0.42', client, options, (job) => {
    const body: SubmitBody<paths, 'v0.0.42'> = { job: currentJobDescription(job) };
    return body;
  });
}
