import { describe, expect, it } from 'vitest';
import {
  canonicalFormats,
  clipOrientationsFor,
  formatOfResolution,
  formatsFromClip,
  parseFormatList,
  renderSizeFor,
  VIDEO_FORMAT_SPECS,
  VIDEO_FORMATS,
} from '../../../shared/domain/video-formats';
import { generatedVideoId } from '../../../shared/domain/derived-job-id';
import { isUuid } from '../../../shared/domain/keys';

const JOB = '0b8f3f3c-1111-4a2b-8c3d-123456789abc';

describe('video formats', () => {
  it('delivers each format at the platforms size, from one clip per orientation', () => {
    expect(VIDEO_FORMATS.map((f) => `${VIDEO_FORMAT_SPECS[f].width}x${VIDEO_FORMAT_SPECS[f].height}`)).toEqual(['1920x1080', '1080x1920', '1080x1350', '1080x1080']);
    expect(clipOrientationsFor(['1:1', '16:9'])).toEqual(['landscape', 'portrait']);
    expect(clipOrientationsFor(['4:5', '9:16', '1:1'])).toEqual(['portrait']);
    expect(clipOrientationsFor(['16:9'])).toEqual(['landscape']);
    expect(formatsFromClip(['1:1', '16:9', '9:16'], 'portrait')).toEqual(['9:16', '1:1']);
    expect(formatsFromClip(['1:1'], 'landscape')).toEqual([]);
  });

  it('keeps formats in one order, each once', () => {
    expect(canonicalFormats(['1:1', '9:16', '16:9'])).toEqual(['16:9', '9:16', '1:1']);
    expect(parseFormatList(' 4:5, 16:9 ')).toEqual(['16:9', '4:5']);
    expect(() => parseFormatList('16:9,3:2')).toThrow('formats: "3:2" is not one of 16:9, 9:16, 4:5, 1:1');
    expect(() => parseFormatList(' , ')).toThrow('at least one');
  });

  it('scales render sizes to even pixels (H.264 refuses odd ones)', () => {
    expect(renderSizeFor('4:5')).toEqual({ width: 1080, height: 1350 });
    expect(renderSizeFor('4:5', 1 / 6)).toEqual({ width: 180, height: 226 });
    expect(renderSizeFor('16:9', 1 / 6)).toEqual({ width: 320, height: 180 });
    expect(formatOfResolution('1080x1350')).toBe('4:5');
    expect(formatOfResolution('640x360')).toBeNull();
  });

  it('gives each format of a job its own stable generated_videos id; the first format keeps the job id', () => {
    expect(generatedVideoId(JOB, '16:9', ['16:9', '9:16'])).toBe(JOB);
    expect(generatedVideoId(JOB, '9:16', ['9:16', '1:1'])).toBe(JOB);
    const vertical = generatedVideoId(JOB, '9:16', ['16:9', '9:16']);
    expect(isUuid(vertical)).toBe(true);
    expect(vertical).not.toBe(JOB);
    expect(generatedVideoId(JOB, '9:16', ['16:9', '9:16'])).toBe(vertical);
    expect(generatedVideoId(JOB, '1:1', ['16:9', '1:1'])).not.toBe(vertical);
  });
});
