export { createDispatcher, type Dispatcher, type DeliveryParser } from './dispatcher.js';
export type { DispatchContext, RunnerRegistry, JitConfig } from './context.js';
export type { CallbackResult } from './callback.js';
export { ClusterHealth } from './cluster-health.js';
export { defaultBackoff, type BackoffPolicy } from './backoff.js';
export { noopObserver, type DispatchObserver } from './observer.js';
export { matchPool } from './labels.js';
export { signLaunchToken, verifyLaunchToken, launchTokenAudience, launchTokenIssuer } from './launch-token.js';
export type * from './types.js';
