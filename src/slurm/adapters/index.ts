import type { AdapterOptions, VersionAdapter } from './types.js';
import { createAdapterV0038 } from './v0.0.38.js';
import { createAdapterV0040 } from './v0.0.40.js';
import { createAdapterV0041 } from './v0.0.41.js';
import { createAdapterV0042 } from './v0.0.42.js';
import { createAdapterV0043 } from './v0.0.43.js';
import { createAdapterV0044 } from './v0.0.44.js';
import { createAdapterV0045 } from './v0.0.45.js';

export type { AdapterCall, AdapterOptions, VersionAdapter } from './types.js';

const adapterFactories: Record<string, (options: AdapterOptions) => VersionAdapter> = {
  'v0.0.38': createAdapterV0038,
  'v0.0.40': createAdapterV0040,
  'v0.0.41': createAdapterV0041,
  'v0.0.42': createAdapterV0042,
  'v0.0.43': createAdapterV0043,
  'v0.0.44': createAdapterV0044,
  'v0.0.45': createAdapterV0045,
};

/** The slurmrestd API versions that gha-slurm has adapters for, oldest first. */
export const supportedApiVersions: readonly string[] = Object.keys(adapterFactories);

/** Creates the adapter for `apiVersion`, which must be one of `supportedApiVersions`. */
export function createAdapter(apiVersion: string, options: AdapterOptions): VersionAdapter {
  const factory = adapterFactories[apiVersion];
  if (!factory) {
    throw new RangeError(`gha-slurm has no adapter for API version ${apiVersion}; use one of ${supportedApiVersions.join(', ')}.`);
  }
  return factory(options);
}
