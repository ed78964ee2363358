/**
 * The Slurm client: one `SlurmClient` per cluster, whatever slurmrestd version
 * the cluster runs, with a token for each cluster user.
 */
export { createSlurmClient } from './client.js';
export type { SlurmClientOptions } from './client.js';
export type { SlurmRequestEvent, SlurmWarningEvent } from './call.js';
export { supportedApiVersions } from './adapters/index.js';
export type { AllowedUsers } from './auth/index.js';
export { SlurmApiError, SlurmTokenError } from './errors.js';
export type { SlurmFailure, SlurmReplyError, SlurmTokenFailure } from './errors.js';
export { endedJobStates } from './normalise.js';
export type * from './types.js';
