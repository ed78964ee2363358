import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Context, type Next } from 'koa';
import { Router } from '@koa/router';
import type { Registry } from 'prom-client';
import type { ServerConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { callbackHandler, type CallbackRouteOptions } from './callback.js';
import { healthHandler, metricsHandler, readinessHandler, type ReadinessSource } from './health.js';
import { webhookHandler, type WebhookRouteOptions } from './webhooks.js';

/** Routes and dependencies of the listeners. */
export interface HttpOptions {
  server: ServerConfig;
  logger: Logger;
  webhook: Omit<WebhookRouteOptions, 'bodyLimitBytes' | 'logger'>;
  callback: Omit<CallbackRouteOptions, 'bodyLimitBytes' | 'logger'>;
  registry: Registry;
  readiness: ReadinessSource;
}

/** Running listeners: their base URLs and a close that waits for open requests. */
export interface HttpListeners {
  urls: { webhook: string; internal?: string };
  close(): Promise<void>;
}

/**
 * Starts the listeners. With `server.internal` set, the webhook listener serves
 * only the webhook route and health, and the internal one serves the callback,
 * metrics and health. Without it, one listener serves everything.
 */
export async function startHttp(options: HttpOptions): Promise<HttpListeners> {
  const { server } = options;
  const split = server.internal !== undefined;
  const webhookApp = createApp(options, { webhook: true, internal: !split });
  const webhookServer = await listen(webhookApp, server.webhook.host, server.webhook.port);
  const servers = [webhookServer];
  const urls: HttpListeners['urls'] = { webhook: urlOf(webhookServer, server.webhook.host) };

  if (server.internal) {
    const internalServer = await listen(createApp(options, { webhook: false, internal: true }), server.internal.host, server.internal.port);
    servers.push(internalServer);
    urls.internal = urlOf(internalServer, server.internal.host);
  }
  options.logger.info({ urls }, 'http listeners started');

  return {
    urls,
    close: async () => {
      await Promise.all(servers.map((httpServer) => closeServer(httpServer)));
    },
  };
}

function createApp(options: HttpOptions, serve: { webhook: boolean; internal: boolean }): Koa {
  const app = new Koa();
  const router = new Router();
  const logger = options.logger.child({ area: 'http' });
  const bodyLimitBytes = options.server.bodyLimitBytes;

  router.get('/healthz', healthHandler());
  router.get('/readyz', readinessHandler(options.readiness));
  if (serve.webhook) {
    router.post('/github/webhooks', webhookHandler({ ...options.webhook, bodyLimitBytes, logger }));
  }
  if (serve.internal) {
    router.post('/runners/jit-config', callbackHandler({ ...options.callback, bodyLimitBytes, logger }));
    router.get('/metrics', metricsHandler(options.registry));
  }

  app.use(requestLog(logger));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/** Logs one line per request, with the delivery id when GitHub sent one; bodies are never logged. */
function requestLog(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const started = performance.now();
    try {
      await next();
    } catch (error) {
      logger.error({ err: error, method: ctx.method, path: ctx.path }, 'request failed');
      ctx.status = 500;
      ctx.body = { error: 'internal error; see the service log' };
    }
    const fields = {
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      durationMs: Math.round(performance.now() - started),
      deliveryId: ctx.get('x-github-delivery') || undefined,
    };
    if (ctx.path === '/healthz' || ctx.path === '/readyz' || ctx.path === '/metrics') {
      logger.debug(fields, 'request served');
    } else {
      logger.info(fields, 'request served');
    }
  };
}

async function listen(app: Koa, host: string, port: number): Promise<Server> {
  const server = app.listen(port, host);
  await once(server, 'listening');
  return server;
}

function urlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${port}`;
}

async function closeServer(server: Server): Promise<void> {
  const closed = once(server, 'close');
  server.close();
  server.closeIdleConnections();
  await closed;
}
