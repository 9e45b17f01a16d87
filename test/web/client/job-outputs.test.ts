import { describe, expect, it } from 'vitest';
import { BUILTIN_JOB_DEFAULTS, resolveJobOptions } from '../../../shared/domain/job-options';
import type { VideoFormat } from '../../../shared/domain/video-formats';
import type { VideoJob } from '../../../shared/domain/video-job';
import { failedFormats, formatOfVideo, outputIdsOf, type FormatVideo } from '../../../web/client/job-outputs';

const job = (formats: VideoFormat[], patch: Partial<VideoJob> = {}) =>
  ({ id: 'job-1', status: 'completed', error: null, generated_video_ids: null, options: resolveJobOptions({ formats }, BUILTIN_JOB_DEFAULTS), ...patch }) as VideoJob;
const made = (...formats: VideoFormat[]) => formats.map((format) => ({ format }) as FormatVideo);

describe("a finished job's outputs", () => {
  it('are the rows generated_video_ids names, or the job id for a row from before formats', () => {
    expect(outputIdsOf(job(['16:9']))).toEqual(['job-1']);
    expect(outputIdsOf(job(['16:9', '9:16'], { generated_video_ids: ['job-1', 'v-2'] }))).toEqual(['job-1', 'v-2']);
    expect(outputIdsOf(job(['16:9'], { generated_video_ids: [] }))).toEqual(['job-1']);
  });

  it("tell each row's format by its delivered size, or by its aspect at a test or preview scale", () => {
    const of = (resolution: string) => formatOfVideo({ resolution });
    expect(['1920x1080', '1080x1920', '1080x1350', '1080x1080'].map(of)).toEqual(['16:9', '9:16', '4:5', '1:1']);
    expect(['320x180', '180x320', '180x226', '180x180', '1280x720'].map(of)).toEqual(['16:9', '9:16', '4:5', '1:1', '16:9']);
    expect(['1500x1000', 'large', ''].map(of)).toEqual([null, null, null]);
  });

  it("name each missing format with its own sentence of the job's error", () => {
    const error = 'The 9:16 video could not be made: the render timed out. The 1:1 video could not be made: Remotion said "no: frame 3".';
    expect(failedFormats(job(['16:9', '9:16', '4:5', '1:1'], { error }), made('16:9', '4:5'))).toEqual([
      { format: '9:16', reason: 'The 9:16 video could not be made: the render timed out.' },
      { format: '1:1', reason: 'The 1:1 video could not be made: Remotion said "no: frame 3".' },
    ]);
    // An error that names no format is every missing format's reason; none at all is said so.
    expect(failedFormats(job(['16:9', '9:16'], { error: 'Rendering stopped.' }), made('16:9'))).toEqual([{ format: '9:16', reason: 'Rendering stopped.' }]);
    expect(failedFormats(job(['16:9', '9:16']), made('16:9'))).toEqual([{ format: '9:16', reason: 'The pipeline recorded no video of this format.' }]);
    expect(failedFormats(job(['16:9']), made('16:9'))).toEqual([]);
  });
});
