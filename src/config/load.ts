import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';

import { checkReferences } from './checks.js';
import { ConfigError, formatPath, type ConfigProblem } from './errors.js';
import { configSchema } from './schema.js';
import type { Config } from './types.js';

/**
 * Reads, validates and resolves the configuration file. This is the only place
 * that reads `process.env` (passed in as `env`) and the file itself.
 *
 * @throws ConfigError listing every problem found, each with its path.
 */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv): Promise<Config> {
  const absolute = resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? (error as Error).message})`;
    throw new ConfigError(absolute, [{ path: '', message: `configuration file ${absolute} ${reason}` }], { cause: error });
  }
  return parseConfig(text, { env, baseDir: dirname(absolute), source: absolute });
}

/** Validates configuration text; relative paths in it are resolved against `baseDir`. */
export function parseConfig(text: string, options: { env: NodeJS.ProcessEnv; baseDir: string; source?: string }): Config {
  const source = options.source ?? 'configuration text';
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => ({ path: '', message: `invalid YAML: ${error.message.split('\n')[0]}` }));
    throw new ConfigError(source, problems);
  }

  let raw: unknown;
  try {
    // toJS() throws when aliases expand past its limit (an alias bomb).
    raw = document.toJS() ?? {};
  } catch (error) {
    const message = `invalid YAML: ${(error as Error).message}; write the values out instead of repeating aliases`;
    throw new ConfigError(source, [{ path: '', message }], { cause: error });
  }
  const result = configSchema({ env: options.env, baseDir: options.baseDir }).safeParse(raw);
  if (!result.success) {
    throw new ConfigError(source, result.error.issues.flatMap((issue) => describeIssue(issue, raw)));
  }

  const problems = checkReferences(result.data);
  if (problems.length > 0) {
    throw new ConfigError(source, problems);
  }
  return result.data;
}

/** Rewrites zod's generic messages into the words of a configuration file. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigProblem[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(raw, issue.path) === undefined) {
        return [{ path, message: 'required' }];
      }
      return [{ path, message: `must be ${article(issue.expected)}, not ${describeValue(valueAt(raw, issue.path))}` }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: 'unknown key; check its spelling against docs/configuration.md',
      }));
    case 'too_small':
      if (issue.origin === 'array') {
        return [{ path, message: `must list at least ${String(issue.minimum)} entry` }];
      }
      if (issue.origin === 'string') {
        return [{ path, message: 'must not be empty' }];
      }
      return [{ path, message: `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}` }];
    case 'too_big':
      return [{ path, message: `must be at most ${String(issue.maximum)}` }];
    case 'invalid_value':
      return [{ path, message: `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}` }];
    default:
      return [{ path, message: issue.message }];
  }
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') {
      return undefined;
    }
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function article(expected: string): string {
  const word = expected === 'int' ? 'integer' : expected;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (value === null) {
    return 'empty';
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return String(value);
  }
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}
