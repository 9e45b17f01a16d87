import type { RenderCustomData } from '../domain/remotion-webhook';
import type { RenderRequest } from './renderer';

/**
 * Starts a render that reports its end to the web API's webhook (POST /webhooks/remotion, signed
 * as Remotion signs) instead of being waited for. In AWS: Remotion Lambda (`renderMediaOnLambda` with
 * `webhook`, the poster with `renderStillOnLambda`); locally: the local Remotion render, which posts
 * the same payload to the same route when it ends.
 */
export interface StartRenderRequest extends Omit<RenderRequest, 'onProgress' | 'signal'> {
  /** Comes back in the webhook's `customData`. */
  customData: RenderCustomData;
}

export interface StartedRender {
  renderId: string;
  /** Where the render's progress is kept (Remotion's bucket); getRenderProgress needs it. */
  bucketName: string;
  /** Cost of what already ran during the start (the poster), USD, where known. */
  costUsd?: number;
}

export type RenderState =
  | { state: 'running'; progress: number }
  | { state: 'done'; costUsd?: number }
  | { state: 'failed'; reason: string; retryable: boolean }
  /** The backend does not know this render (e.g. the local stack restarted): its output will never come. */
  | { state: 'lost' };

export interface RenderStarter {
  start(request: StartRenderRequest): Promise<StartedRender>;
  /** Reads a started render's state without starting work (Remotion: getRenderProgress with skipLambdaInvocation). */
  state(render: { renderId: string; bucketName: string }): Promise<RenderState>;
}
