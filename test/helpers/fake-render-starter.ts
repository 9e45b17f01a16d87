import type { RemotionWebhook } from '../../shared/domain/remotion-webhook';
import type { RenderRequest } from '../../shared/ports/renderer';
import type { RenderStarter, RenderState, StartedRender, StartRenderRequest } from '../../shared/ports/render-starter';
import type { FakeRenderer } from './pipeline-fakes';

/**
 * Remotion Lambda as the render step sees it: `start` answers with a renderId and renders nothing
 * yet; a test then plays Remotion: `complete` writes the deliverables (through the FakeRenderer) and
 * returns the success webhook Remotion would send, `fail` / `timeout` return the other two.
 */
export class FakeRenderStarter implements RenderStarter {
  readonly starts: StartRenderRequest[] = [];
  /** Errors the next starts throw (renderMediaOnLambda refused). */
  readonly failures: Error[] = [];
  readonly states = new Map<string, RenderState>();
  private readonly requests = new Map<string, StartRenderRequest>();

  constructor(private readonly renderer: FakeRenderer) {}

  async start(request: StartRenderRequest): Promise<StartedRender> {
    this.starts.push(request);
    const failure = this.failures.shift();
    if (failure) throw failure;
    const renderId = `render-${this.starts.length}`;
    this.requests.set(renderId, request);
    this.states.set(renderId, { state: 'running', progress: 0.1 });
    return { renderId, bucketName: 'remotionlambda-useast1-test', costUsd: 0.001 };
  }

  async state(render: { renderId: string }): Promise<RenderState> {
    return this.states.get(render.renderId) ?? { state: 'lost' };
  }

  /** The render id of the n-th start (1-based; default the last). */
  renderId(n = this.starts.length): string {
    return `render-${n}`;
  }

  private common(renderId: string) {
    const request = this.requests.get(renderId);
    if (!request) throw new Error(`no render ${renderId}`);
    return { request, payload: { renderId, bucketName: 'remotionlambda-useast1-test', expectedBucketOwner: '123456789012', customData: request.customData } };
  }

  async complete(renderId = this.renderId()): Promise<RemotionWebhook> {
    const { request, payload } = this.common(renderId);
    await this.renderer.render(request as RenderRequest);
    this.states.set(renderId, { state: 'done', costUsd: 0.02 });
    return { type: 'success', ...payload, lambdaErrors: [], outputUrl: `s3://bucket/${request.videoKey}`, outputFile: request.videoKey, timeToFinish: 41_000, costs: { estimatedCost: 0.02, estimatedDisplayCost: '$0.02', currency: 'USD', disclaimer: 'estimate' } };
  }

  fail(renderId = this.renderId(), message = 'Chromium crashed'): RemotionWebhook {
    const { payload } = this.common(renderId);
    this.states.set(renderId, { state: 'failed', reason: message, retryable: true });
    return { type: 'error', ...payload, errors: [{ message, name: 'Error', stack: `Error: ${message}` }] };
  }

  timeout(renderId = this.renderId()): RemotionWebhook {
    const { payload } = this.common(renderId);
    return { type: 'timeout', ...payload };
  }
}
