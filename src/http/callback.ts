import type { Context } from 'koa';
import type { CallbackResult } from '../dispatch/callback.js';
import type { Logger } from '../log.js';
import { HttpError, readRawBody } from './raw-body.js';

/** Dependencies of the callback route. */
export interface CallbackRouteOptions {
  bodyLimitBytes: number;
  logger: Logger;
  /** Checks the launch token and returns the JIT configuration or a rejection. */
  jitConfig: (token: string, slurmJobId: number) => Promise<CallbackResult>;
}

/**
 * Creates the `POST /runners/jit-config` handler. The Slurm job sends its launch
 * token as `Authorization: Bearer` and `{"slurmJobId": "<SLURM_JOB_ID>"}`. The
 * configuration is returned as plain text when the request accepts only
 * `text/plain` (so the batch script needs no JSON parser), else as JSON.
 */
export function callbackHandler(options: CallbackRouteOptions) {
  return async (ctx: Context): Promise<void> => {
    try {
      const token = bearerToken(ctx.get('authorization'));
      const slurmJobId = parseSlurmJobId(await readRawBody(ctx, options.bodyLimitBytes));
      const result = await options.jitConfig(token, slurmJobId);

      if (result.status !== 200) {
        ctx.status = result.status;
        ctx.body = { error: result.error };
        return;
      }
      ctx.set('Cache-Control', 'no-store');
      if (ctx.accepts('application/json', 'text/plain') === 'text/plain') {
        ctx.type = 'text/plain';
        ctx.body = result.encodedJitConfig;
      } else {
        ctx.body = { runnerName: result.runnerName, encodedJitConfig: result.encodedJitConfig };
      }
    } catch (error) {
      if (!(error instanceof HttpError)) {
        throw error;
      }
      options.logger.info({ status: error.status, reason: error.message }, 'callback rejected');
      ctx.status = error.status;
      ctx.body = { error: error.message };
    }
  };
}

function bearerToken(header: string): string {
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) {
    throw new HttpError(401, 'launch token missing: send it as "Authorization: Bearer <token>"');
  }
  return match[1]!;
}

function parseSlurmJobId(body: Buffer): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON: send {"slurmJobId": "<SLURM_JOB_ID>"}');
  }
  const value = (parsed as { slurmJobId?: unknown } | null)?.slurmJobId;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[1-9][0-9]{0,9}$/.test(text)) {
    throw new HttpError(400, `slurmJobId ${JSON.stringify(value) ?? 'missing'} invalid: send the job's SLURM_JOB_ID`);
  }
  return Number(text);
}
