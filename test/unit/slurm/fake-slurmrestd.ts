import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A reply that the fake daemon sends: status and JSON body (or raw text). */
export interface FakeReply {
  status: number;
  body?: unknown;
  text?: string;
  /** Delay in milliseconds before the reply is sent. */
  delayMs?: number;
}

/** One request that the fake daemon received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** Loads a reply captured from a real slurmrestd, from `fixtures/<name>.json`. */
export function fixture(name: string): FakeReply {
  const url = new URL(`./fixtures/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as FakeReply;
}

/** A minimal OpenAPI document that lists the `/slurm/<version>/ping` path of each version. */
export function openapiListing(versions: string[]): FakeReply {
  const paths = Object.fromEntries(versions.map((version) => [`/slurm/${version}/ping/`, { get: {} }]));
  return { status: 200, body: { openapi: '3.0.2', paths: { ...paths, '/openapi/v3': { get: {} } } } };
}

export interface FakeSlurmrestd {
  url: string;
  requests: ReceivedRequest[];
  /** The number of TCP connections accepted so far. */
  connections(): number;
  /** Sets the reply for `METHOD /path` (path without query). */
  reply(route: string, reply: FakeReply | ((request: ReceivedRequest) => FakeReply)): void;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 that replies like slurmrestd with the
 * replies it is given, and with 404 "Unable to find path" to anything else.
 */
export async function startFakeSlurmrestd(): Promise<FakeSlurmrestd> {
  const routes = new Map<string, FakeReply | ((request: ReceivedRequest) => FakeReply)>();
  const requests: ReceivedRequest[] = [];

  const server: Server = createServer((message, response) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => {
      const url = new URL(message.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const request: ReceivedRequest = {
        method: message.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: message.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
      requests.push(request);

      const route = routes.get(`${request.method} ${request.path}`);
      const reply = typeof route === 'function' ? route(request) : (route ?? { status: 404, text: 'Unable to find path' });
      const send = () => {
        if (reply.status === 304) {
          response.writeHead(304).end();
          return;
        }
        const payload = reply.text ?? JSON.stringify(reply.body);
        response.writeHead(reply.status, { 'content-type': reply.text ? 'text/plain' : 'application/json' }).end(payload);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });

  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    reply: (route, reply) => {
      routes.set(route, reply);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
