/**
 * A pass-through proxy between the Slurm job and gha-slurm's callback endpoint, so
 * the timeline shows when the job called back and the response status, without
 * reading the service's logs. Bodies and headers pass unchanged; nothing is logged
 * of the launch token or the JIT configuration.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Timeline } from './timeline.js';

/** Names the demo job of a callback from its Slurm job id, or returns `github` when unknown. */
export type CallbackLabeler = (slurmJobId: number | undefined) => Promise<string>;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function slurmJobIdOf(body: Buffer): number | undefined {
  try {
    const value = (JSON.parse(body.toString('utf8')) as { slurmJobId?: unknown }).slurmJobId;
    const id = Number(value);
    return Number.isSafeInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** A running proxy; `url` replaces the service's base URL in `runner.callbackUrl`. */
export interface CallbackProxy {
  url: string;
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1, forwarding every request to `target` (a base URL). */
export async function startCallbackProxy(target: () => string, timeline: Timeline, labelFor: CallbackLabeler): Promise<CallbackProxy> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const label = await labelFor(slurmJobIdOf(body));
      timeline.record({ job: label, step: 'callback', text: `callback: the Slurm job requests its runner configuration (${request.method} ${request.url})` });

      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers.set(name, value);
      }
      try {
        const reply = await fetch(new URL(request.url ?? '/', target()), {
          method: request.method,
          headers,
          body: body.length > 0 ? new Uint8Array(body) : undefined,
          signal: AbortSignal.timeout(60_000),
        });
        const text = Buffer.from(await reply.arrayBuffer());
        timeline.record({ job: label, step: 'callback-answered', text: `  answered HTTP ${reply.status}`, data: { status: reply.status } });
        response.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'text/plain' });
        response.end(text);
      } catch (error) {
        timeline.record({ job: label, step: 'callback-answered', text: `  callback could not reach gha-slurm: ${(error as Error).message}`, data: { status: 502 } });
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end('gha-slurm demo proxy: the service did not answer\n');
      }
    })();
  });

  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
