import { createPrivateKey } from 'node:crypto';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** The context of field checks outside the YAML text: the environment and the directory of the file. */
export interface LoadContext {
  env: NodeJS.ProcessEnv;
  /** Directory that relative paths are resolved against: the config file's own directory. */
  baseDir: string;
}

/** A POSIX user name in the portable character set, as `useradd` and LDAP sites accept it. */
export const posixUserPattern = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;

/** A short name that can appear in runner names, metrics labels and log fields. */
export const namePattern = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export const positiveInt = () => z.number().int().positive();

export const shortName = () =>
  z.string().regex(namePattern, { error: 'must be 1 to 32 lower-case letters, digits, "-" or "_", starting with a letter or digit' });

/** An http(s) URL; the trailing slash is removed so that callers can append paths. */
export const httpUrl = () =>
  z.string().transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a valid URL` });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `"${text}" must use http or https` });
      return z.NEVER;
    }
    // Returns the parsed form, because the batch script hands the URL to curl, which rejects spaces.
    return url.href.replace(/\/+$/, '');
  });

/** A path resolved against the config file's directory. */
export const path = (context: LoadContext) => z.string().min(1).transform((text) => resolvePath(context, text));

/** A path to a file that must exist and be readable now, so that a typo fails at load time. */
export const readableFile = (context: LoadContext) =>
  z
    .string()
    .min(1)
    .transform((text, ctx) => {
      const absolute = resolvePath(context, text);
      const problem = checkReadableFile(absolute);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      return absolute;
    });

/** A secret given as `{ file: PATH }` or `{ env: VARIABLE }`; inline values are rejected. */
const secretSource = z.union(
  [z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().min(1) })],
  { error: 'must be { file: PATH } or { env: VARIABLE }; inline secrets are not accepted, so that the file can be shared' },
);

/**
 * Reads a secret from its file or environment variable. A file's trailing newline is
 * dropped because editors and `kubectl create secret --from-file` usually leave one.
 */
export const secret = (context: LoadContext, check?: (value: string) => string | undefined) =>
  secretSource.transform((source, ctx) => {
    const value = readSecret(context, source);
    if (typeof value !== 'string') {
      ctx.addIssue({ code: 'custom', message: value.problem });
      return z.NEVER;
    }
    const problem = check?.(value);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return value;
  });

/** Checks that a secret contains a private key that Node can parse (PKCS#1 or PKCS#8 PEM). */
export function checkPrivateKey(value: string): string | undefined {
  try {
    createPrivateKey(value);
    return undefined;
  } catch (error) {
    return `is not a PEM private key (${(error as Error).message}); download a new key from the App's settings page`;
  }
}

function readSecret(context: LoadContext, source: { file: string } | { env: string }): string | { problem: string } {
  if ('env' in source) {
    const value = context.env[source.env];
    if (value === undefined || value === '') {
      return { problem: `environment variable ${source.env} is not set or empty` };
    }
    return value;
  }

  const absolute = resolvePath(context, source.file);
  const problem = checkReadableFile(absolute);
  if (problem) {
    return { problem };
  }
  const value = readFileSync(absolute, 'utf8').replace(/\r?\n$/, '');
  if (value === '') {
    return { problem: `file ${absolute} is empty` };
  }
  return value;
}

function resolvePath(context: LoadContext, text: string): string {
  return isAbsolute(text) ? text : resolve(context.baseDir, text);
}

function checkReadableFile(absolute: string): string | undefined {
  try {
    if (!statSync(absolute).isFile()) {
      return `${absolute} is not a regular file`;
    }
    accessSync(absolute, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return `file ${absolute} not found`;
    }
    if (code === 'EACCES') {
      return `file ${absolute} is not readable by this user`;
    }
    return `file ${absolute} cannot be read (${code ?? (error as Error).message})`;
  }
}
