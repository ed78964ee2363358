export { loadConfig, parseConfig } from './load.js';
export { ConfigError, formatProblem, type ConfigProblem } from './errors.js';
export { resolveAccess, clusterUserFor, matchesRepository, type AccessGrant } from './access.js';
export { describeConfig } from './describe.js';
export { defaults } from './schema.js';
export type * from './types.js';
