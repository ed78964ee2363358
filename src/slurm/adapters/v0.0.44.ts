import createClient from 'openapi-fetch';

import type { paths } from '../../../generated/slurmrestd-v0.0.44.js';
import { createCurrentAdapter, currentJobDescription, type SubmitBody } from './current.js';
import type { AdapterOptions, VersionAdapter } from './types.js';

/** Creates the adapter for v0.0.44, served by Slurm 26.05. */
export function createAdapterV0044(options: AdapterOptions): VersionAdapter {
  const client = createClient<paths>({ baseUrl: options.baseUrl, Request: options.Request });
  return createCurrentAdapter('v0.0.44', client, options, (job) => {
    const body: SubmitBody<paths, 'v0.0.44'> = { job: currentJobDescription(job) };
    return body;
  });
}
