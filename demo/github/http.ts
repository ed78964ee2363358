/** Koa helpers shared by the stand-in's routes. */
import type { Context, Next } from 'koa';
import { GitHubError } from './auth.js';

const maxBodyBytes = 1024 * 1024;

/** Reads and parses a JSON request body; an empty body is `{}`. */
export async function readJson(ctx: Context): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new GitHubError(413, 'Payload too large');
    chunks.push(chunk);
  }

  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Falls through to the 400 below, which GitHub returns for a body that is not a JSON object.
  }
  throw new GitHubError(400, 'Problems parsing JSON');
}

/** Turns GitHubError into GitHub's error body; anything else becomes a 500 and is reported. */
export function errorBodies(onUnexpected: (error: unknown) => void) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new GitHubError(404, 'Not Found');
    } catch (error) {
      if (!(error instanceof GitHubError)) onUnexpected(error);
      const status = error instanceof GitHubError ? error.status : 500;
      const message = error instanceof GitHubError ? error.message : 'Server Error';
      ctx.status = status;
      ctx.body = { message, documentation_url: 'https://docs.github.com/rest', status: String(status) };
    }
  };
}

/** Parses a positive integer path parameter; throws the 404 that GitHub returns for a malformed id. */
export function idParam(value: string | undefined): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new GitHubError(404, 'Not Found');
  return id;
}
