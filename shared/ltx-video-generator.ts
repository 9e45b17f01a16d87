import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { LtxClient } from './ltx/ltx-client';
import { buildLtxRequest } from './ltx/ltx-request';
import type { GeneratedClip, VideoGenerator } from './video-generator';
import type { JobOptions } from './job-options';

/** The VideoGenerator port on LTX-2 (the real service, or the local stand-in: same wire format). */
export class LtxVideoGenerator implements VideoGenerator {
  constructor(private readonly client: LtxClient) {}

  async generate(input: { imageUri: string; options: JobOptions; signal?: AbortSignal }): Promise<GeneratedClip> {
    const video = await this.client.imageToVideo(buildLtxRequest(input.options, input.imageUri), { signal: input.signal });
    return { body: Readable.fromWeb(video.body as NodeWebReadableStream<Uint8Array>), requestId: video.requestId, attempts: video.attempts };
  }
}
