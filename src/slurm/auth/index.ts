export { createTokenProvider, minimumRemainingSeconds, renewAfterLifetimeShare } from './token-provider.js';
export type { TokenProvider, TokenProviderOptions } from './token-provider.js';
export { assertUserAllowed } from './user-policy.js';
export type { AllowedUsers, UserPolicy } from './user-policy.js';
