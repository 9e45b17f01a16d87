import { Hono } from 'hono';
import { readRemotionWebhook, REMOTION_SIGNATURE_HEADER, REMOTION_WEBHOOK_PATH, type RemotionWebhook } from '../../domain/remotion-webhook';
import type { RenderWebhookOutcome } from '../../pipeline/finish-render-webhook';
import type { Logger } from '../../ports/logger';
import type { ApiEnv } from '../api-env';
import { ApiError } from '../api-error';

/** Remotion's payloads are a few KB (errors carry stacks); anything far above is not one. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

export interface RemotionWebhookRouteDeps {
  /** Renders report here: the secrets their reports are signed with (current first), and what records the end. */
  renderWebhook?: {
    secrets: readonly string[];
    finishRender(webhook: RemotionWebhook): Promise<RenderWebhookOutcome>;
  };
  logger: Logger;
}

/**
 * `POST /webhooks/remotion`: Remotion Lambda (and the local renderer, which signs the same way)
 * reports a render's end. The signature is checked on the raw body before anything is parsed (401
 * for a missing or forged one); a valid report is recorded idempotently and answered 200, also when
 * it changes nothing (a repeat, a superseded render): Remotion retries anything else. A failure of
 * ours (the database down) is a 5xx, so Remotion's retries and then the sweeper pick it up.
 */
export function remotionWebhookRoute(deps: RemotionWebhookRouteDeps): Hono<ApiEnv> {
  return new Hono<ApiEnv>().post(REMOTION_WEBHOOK_PATH, async (c) => {
    const hook = deps.renderWebhook;
    if (!hook || hook.secrets.length === 0) throw new ApiError(503, 'not_configured', 'This API has no render webhook secret configured.');
    const raw = await c.req.text();
    const bytes = Buffer.byteLength(raw);
    if (bytes > MAX_WEBHOOK_BYTES) throw new ApiError(413, 'payload_too_large', `The request body is ${bytes} bytes; the limit is ${MAX_WEBHOOK_BYTES}.`);
    const webhook = readRemotionWebhook(raw, c.req.header(REMOTION_SIGNATURE_HEADER), hook.secrets);
    const result = await hook.finishRender(webhook);
    deps.logger.log(result.outcome === 'failed' ? 'warn' : 'info', `render webhook ${result.outcome}`, { renderId: webhook.renderId, type: webhook.type, ...result });
    return c.json(result, 200);
  });
}
