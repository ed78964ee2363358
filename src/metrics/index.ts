export { waitBuckets, requestBuckets } from './buckets.js';
export { BoundedLabel, otherLabel, statusCodeLabel } from './labels.js';
export { createMetrics, type CreateMetricsOptions, type Metrics, type MetricsTopology } from './registry.js';
export { createDispatchObserver } from './observer.js';
export {
  slurmRequestHook,
  githubRequestHook,
  githubRateLimitHook,
  type SlurmRequestEvent,
  type GitHubRequestEvent,
} from './hooks.js';
export { attachStoreGauges, type GaugeSource } from './store-gauges.js';
export { createServiceMetrics, type ServiceMetrics } from './service.js';
