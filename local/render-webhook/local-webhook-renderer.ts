import { randomUUID } from 'node:crypto';
import { describeError } from '../../shared/domain/errors';
import { signRemotionWebhook } from '../../shared/domain/remotion-webhook';
import type { Renderer } from '../../shared/ports/renderer';
import type { RenderStarter, RenderState, StartedRender, StartRenderRequest } from '../../shared/ports/render-starter';

/** Remotion's webhook invoker: three tries, 1 s then 2 s apart, 10 s each (@remotion/serverless invoke-webhook). */
const WEBHOOK_RETRY_DELAYS_MS = [1000, 2000];
const WEBHOOK_TIMEOUT_MS = 10_000;

export interface LocalWebhookRendererOptions {
  /** Renders for real (the local Remotion renderer; whole-stack tests may pass a cheaper one). */
  renderer: Renderer;
  /** The web API's POST /webhooks/remotion, known once the stack's web server listens. */
  webhookUrl: () => string;
  secret: string;
  /** Renders run one after another: each uses every core. */
  retryDelaysMs?: number[];
  log?: (level: 'info' | 'warn' | 'error', message: string, context: Record<string, unknown>) => void;
}

/**
 * Remotion Lambda's behaviour on the laptop: `start` answers at once with a renderId, the render runs
 * in the background (the real local Remotion render, one at a time), and its end is POSTed to the
 * web API's webhook route with the payload and the HMAC-SHA512 signature Remotion Lambda sends, retried
 * as Remotion retries. So the route, its signature check and the job's completion run here exactly as
 * in AWS. A render this process does not know (it restarted) is `lost`, as its output never comes.
 */
export class LocalWebhookRenderer implements RenderStarter {
  private readonly states = new Map<string, RenderState>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: LocalWebhookRendererOptions) {}

  async start(request: StartRenderRequest): Promise<StartedRender> {
    if (this.closed) throw new Error('the local renderer was closed');
    const renderId = `local-${randomUUID()}`;
    this.states.set(renderId, { state: 'running', progress: 0 });
    this.queue = this.queue.then(() => this.run(renderId, request));
    return { renderId, bucketName: 'local-renders' };
  }

  async state(render: { renderId: string }): Promise<RenderState> {
    return this.states.get(render.renderId) ?? { state: 'lost' };
  }

  /** Stops taking renders; a render under way finishes without reporting. */
  close(): void {
    this.closed = true;
  }

  private async run(renderId: string, request: StartRenderRequest): Promise<void> {
    if (this.closed) return;
    const started = Date.now();
    const common = { renderId, bucketName: 'local-renders', expectedBucketOwner: null, customData: request.customData };
    let payload: Record<string, unknown>;
    try {
      await this.options.renderer.render({
        ...request,
        onProgress: (progress) => {
          if (this.states.get(renderId)?.state === 'running') this.states.set(renderId, { state: 'running', progress });
        },
      });
      this.states.set(renderId, { state: 'done', costUsd: 0 });
      payload = {
        type: 'success',
        ...common,
        lambdaErrors: [],
        outputUrl: undefined,
        outputFile: request.videoKey,
        timeToFinish: Date.now() - started,
        costs: { estimatedCost: 0, estimatedDisplayCost: '$0.00', currency: 'USD', disclaimer: 'rendered locally' },
      };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.states.set(renderId, { state: 'failed', reason: describeError(err), retryable: true });
      payload = { type: 'error', ...common, errors: [{ message: error.message, name: error.name, stack: error.stack ?? error.message }] };
    }
    if (this.closed) return;
    await this.report(payload);
  }

  private async report(payload: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(payload);
    const delays = this.options.retryDelaysMs ?? WEBHOOK_RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(this.options.webhookUrl(), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-remotion-mode': 'production',
            'x-remotion-signature': signRemotionWebhook(body, this.options.secret),
            'x-remotion-status': String(payload.type),
          },
          body,
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        if (res.ok) return;
        throw new Error(`webhook answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      } catch (err) {
        const delay = delays[attempt];
        if (delay === undefined || this.closed) {
          this.options.log?.('error', 'render webhook not delivered', { renderId: payload.renderId, error: describeError(err) });
          return;
        }
        this.options.log?.('warn', 'render webhook failed, retrying', { renderId: payload.renderId, error: describeError(err), delayMs: delay });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
