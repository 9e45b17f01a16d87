import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { UpstreamError } from '../../domain/errors';
import { LtxClient } from './ltx-client';
import { buildLtxRequest } from '../../domain/ltx/ltx-request';
import type { ClipGenerationInput, GeneratedClip, VideoGenerator } from '../../ports/video-generator';

/**
 * The VideoGenerator port on LTX-2 (the real service, or the local stand-in: same wire format). The
 * MP4 streams to a temporary file inside the client's retry loop, so a truncated answer is retried
 * as LTX's failure, and the S3 upload that follows can be retried without paying for a new clip.
 */
export class LtxVideoGenerator implements VideoGenerator {
  constructor(
    private readonly client: LtxClient,
    private readonly tmpRoot: string = tmpdir(),
  ) {}

  async generate(input: ClipGenerationInput): Promise<GeneratedClip> {
    const dir = await mkdtemp(join(this.tmpRoot, 'ltx-clip-'));
    const path = join(dir, 'clip.mp4');
    const dispose = () => rm(dir, { recursive: true, force: true });
    try {
      const { result: sizeBytes, requestId, attempts } = await this.client.imageToVideoAndConsume(
        // Built under the same rules the client will send it under (loopback http for the local stack).
        buildLtxRequest(input.options, input.clip, input.imageUri, this.client.requestChecks),
        async (video) => {
          await pipeline(Readable.fromWeb(video.body as NodeWebReadableStream<Uint8Array>), createWriteStream(path));
          await assertMp4(path, video.requestId);
          return (await stat(path)).size;
        },
        { signal: input.signal },
      );
      return { path, sizeBytes, requestId, attempts, dispose };
    } catch (err) {
      await dispose();
      throw err;
    }
  }
}

/** An MP4 starts with an `ftyp` box; anything else under `video/mp4` is a broken answer. */
async function assertMp4(path: string, requestId: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await file.read(head, 0, 8, 0);
    if (bytesRead < 8 || head.subarray(4, 8).toString('latin1') !== 'ftyp') {
      throw new UpstreamError('ltx', `LTX answered something that is not an MP4 (request ${requestId || 'unknown'})`, { retryable: true, code: 'invalid_video' });
    }
  } finally {
    await file.close();
  }
}
