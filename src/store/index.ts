export { openStore, SqliteStore } from './sqlite.js';
export { isRunnerMoveAllowed, isWorkflowJobMoveAllowed } from './states.js';
export type * from './types.js';
