import type { Context } from 'koa';
import type { DispatchObserver } from '../dispatch/observer.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { HttpError, readRawBody } from './raw-body.js';
import { isValidSignature } from './signature.js';

/** Dependencies of the webhook route. */
export interface WebhookRouteOptions {
  /** The App's webhook secret. */
  secret: string;
  store: Store;
  bodyLimitBytes: number;
  observer: DispatchObserver;
  logger: Logger;
  /** Processes a recorded `workflow_job` delivery after the reply has gone; must not reject. */
  process: (deliveryId: string, body: string) => Promise<void>;
}

/**
 * Creates the `POST /github/webhooks` handler. It checks the signature on the raw
 * bytes before anything else, records `workflow_job` deliveries durably, replies
 * 202 and processes them afterwards, because GitHub stops waiting after 10 seconds.
 * A delivery id seen before gets 200 and has no second effect.
 */
export function webhookHandler(options: WebhookRouteOptions) {
  return async (ctx: Context): Promise<void> => {
    const event = ctx.get('x-github-event');
    const deliveryId = ctx.get('x-github-delivery');
    const log = options.logger.child({ deliveryId, event });
    let action = '';

    try {
      const body = await readRawBody(ctx, options.bodyLimitBytes);
      if (!isValidSignature(options.secret, body, ctx.get('x-hub-signature-256') || undefined)) {
        throw new HttpError(401, 'signature invalid or missing: X-Hub-Signature-256 must be the HMAC-SHA256 of the body with the App webhook secret');
      }
      const text = body.toString('utf8');
      const payload = parsePayload(ctx, text, event, deliveryId);
      action = typeof payload.action === 'string' ? payload.action : '';

      if (event === 'ping') {
        reply(ctx, 200, { status: 'pong' });
        options.observer.delivery(event, action, 'ping');
        return;
      }
      if (event !== 'workflow_job') {
        reply(ctx, 202, { status: 'ignored', reason: `event ${event} is not handled` });
        options.observer.delivery(event, action, 'ignored');
        return;
      }

      const recorded = options.store.recordDelivery({ deliveryId, event, action, receivedAt: new Date(), body: text });
      if (recorded === 'duplicate') {
        log.info({ action }, 'webhook delivery seen before; ignored');
        reply(ctx, 200, { status: 'duplicate' });
        options.observer.delivery(event, action, 'duplicate');
        return;
      }

      log.info({ action }, 'webhook delivery accepted');
      reply(ctx, 202, { status: 'accepted' });
      options.observer.delivery(event, action, 'accepted');
      setImmediate(() => void options.process(deliveryId, text));
    } catch (error) {
      if (!(error instanceof HttpError)) {
        throw error;
      }
      log.info({ status: error.status, reason: error.message }, 'webhook delivery rejected');
      reply(ctx, error.status, { error: error.message });
      options.observer.delivery(event || 'unknown', action, outcomeOf(error.status));
    }
  };
}

function parsePayload(ctx: Context, text: string, event: string, deliveryId: string): Record<string, unknown> {
  if (!event) {
    throw new HttpError(400, 'header X-GitHub-Event missing: send deliveries as GitHub does');
  }
  if (!deliveryId) {
    throw new HttpError(400, 'header X-GitHub-Delivery missing: send deliveries as GitHub does');
  }
  if (!ctx.is('application/json')) {
    throw new HttpError(400, `content type ${ctx.get('content-type') || '(none)'} not supported: set the App's webhook content type to application/json`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new HttpError(400, 'body is not a JSON object');
  }
  return payload as Record<string, unknown>;
}

function reply(ctx: Context, status: number, body: Record<string, string>): void {
  ctx.status = status;
  ctx.body = body;
}

function outcomeOf(status: number) {
  if (status === 401) {
    return 'invalid-signature' as const;
  }
  return status === 413 ? ('too-large' as const) : ('invalid-request' as const);
}
