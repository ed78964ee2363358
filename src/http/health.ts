import type { Context } from 'koa';
import type { Registry } from 'prom-client';

/** One readiness check and whether it passed. */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

/** Returns the current readiness checks; `/readyz` is 200 only when all pass. */
export type ReadinessSource = () => ReadinessCheck[];

/** `GET /healthz`: the process is alive and serving. */
export function healthHandler() {
  return (ctx: Context): void => {
    ctx.body = { status: 'ok' };
  };
}

/** `GET /readyz`: 200 when every check passes, else 503 with the failing ones named. */
export function readinessHandler(source: ReadinessSource) {
  return (ctx: Context): void => {
    const checks = source();
    const ready = checks.every((check) => check.ok);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks };
  };
}

/** `GET /metrics`: the registry in the Prometheus text format. */
export function metricsHandler(registry: Registry) {
  return async (ctx: Context): Promise<void> => {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  };
}
