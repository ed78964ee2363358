import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PoolConfig } from '../config/types.js';

/** Candidate paths of `runner/batch.sh` relative to this module, in the source tree and in `dist/`. */
const defaultScriptCandidates = ['../../runner/batch.sh', '../../../runner/batch.sh'].map((relative) =>
  fileURLToPath(new URL(relative, import.meta.url)),
);

/**
 * Reads the default batch script and every pool's `scriptTemplate` once, so that
 * a missing or unreadable file stops the service at start instead of failing
 * each submission. Scripts are used verbatim: nothing is substituted into them.
 */
export function loadBatchScripts(pools: readonly PoolConfig[], defaultPath?: string): (pool: PoolConfig) => string {
  const fallback = readScript(defaultPath ?? defaultScriptCandidates.find((candidate) => existsSync(candidate)) ?? defaultScriptCandidates[0]!, 'the default batch script');
  const byPool = new Map<string, string>();
  for (const pool of pools) {
    if (pool.scriptTemplate) {
      byPool.set(pool.name, readScript(pool.scriptTemplate, `pools[${pool.name}].scriptTemplate`));
    }
  }
  return (pool) => byPool.get(pool.name) ?? fallback;
}

function readScript(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} at ${path}: ${(error as Error).message}; check the path and its permissions`, { cause: error });
  }
  if (!text.startsWith('#!')) {
    throw new Error(`${what} at ${path} does not start with "#!": Slurm requires an interpreter line such as #!/bin/bash`);
  }
  return text;
}
