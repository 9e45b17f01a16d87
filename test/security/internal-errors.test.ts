import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LtxClient } from '../../shared/adapters/ltx/ltx-client';
import { LtxVideoGenerator } from '../../shared/adapters/ltx/ltx-video-generator';
import { parsePipelineObject } from '../../shared/domain/pipeline-object';
import { runLtxStep } from '../../shared/pipeline/run-ltx-step';
import { startLtxServer, type LtxServer } from '../../local/ltx/server';
import { makeTestPhoto } from '../local/ltx/test-photo';
import { pipelineHarness } from '../helpers/pipeline-harness';

/**
 * Finding 7 of the hostile-input issue: a truncated JPEG failed its job with FFmpeg's output, memory
 * addresses included. The photo goes through the real LTX client to the LTX stand-in, which decodes
 * it with FFmpeg and refuses it; the job row says what that means for the user, and only the log
 * keeps the service's own words.
 */

let ltx: LtxServer;
let photo: Buffer;
const standInLog: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  ltx = await startLtxServer({ port: 0, apiKey: 'k', allowAnySize: true, clipSize: { width: 64, height: 36 }, log: (_m, context) => standInLog.push(context ?? {}) });
  photo = await makeTestPhoto('jpeg', 640, 480);
});
afterAll(() => ltx?.stop());

describe('internals stay out of the job row', () => {
  it('a truncated JPEG (header whole, data cut) fails its job with a sentence, not FFmpeg’s output; the next photo goes through', async () => {
    const h = pipelineHarness();
    const generator = new LtxVideoGenerator(new LtxClient({ apiUrl: ltx.url, apiKey: 'k', requestChecks: { allowAnySize: true }, retry: { maxAttempts: 1 } }));
    const step = (key: string) => runLtxStep({ ...h.ltxDeps, generator }, parsePipelineObject(h.eventFor(key)));

    const truncated = photo.subarray(0, 400);
    const { key, jobId } = await h.droppedPhoto('images/cut-short.jpg', truncated);
    expect(await step(key)).toMatchObject({ outcome: 'failed', jobId });
    const job = await h.jobs.get(jobId);
    expect(job).toMatchObject({
      status: 'failed',
      error: 'The video generation service could not use this photo: it may be damaged or cut short. Export or save it again as a JPEG or PNG and upload the new file.',
    });
    expect(job!.error).not.toMatch(/0x[0-9a-f]+|ffmpeg|rawvideo|\/tmp\/|\n\s+at /i);
    // The whole story is in the logs: the step's (LTX's answer) and the stand-in's (FFmpeg's words).
    expect(h.logger.lines.find((l) => l.message === 'ltx step failed')?.fields.error).toMatch(/^LTX rejected the request \(invalid_request_error\): image_uri is not a decodable JPEG image/);
    expect(standInLog.some((c) => typeof c.detail === 'string' && /0x[0-9a-f]+/.test(c.detail))).toBe(true);

    const next = await h.droppedPhoto('images/whole.jpg', photo);
    expect(await step(next.key)).toEqual({ outcome: 'done', jobId: next.jobId });
  });
});
