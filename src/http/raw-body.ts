import type { Context } from 'koa';

/** A request that the route rejects with a status and a JSON `{ error }` body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * Reads the whole request body as bytes, without parsing, so that a signature is
 * checked on exactly what was sent. Throws 413 as soon as `limitBytes` is passed.
 */
export async function readRawBody(ctx: Context, limitBytes: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || '0');
  if (declared > limitBytes) {
    throw tooLarge(limitBytes);
  }

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > limitBytes) {
      ctx.req.resume();
      throw tooLarge(limitBytes);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `request body larger than ${limitBytes} bytes; raise server.bodyLimitBytes if such bodies are expected`);
}

