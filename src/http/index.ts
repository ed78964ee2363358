export { startHttp, type HttpOptions, type HttpListeners } from './server.js';
export type { ReadinessCheck, ReadinessSource } from './health.js';
export { isValidSignature } from './signature.js';
