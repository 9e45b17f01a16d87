import { describe, expect, it } from 'vitest';
import { imageKey, isUuid, ltxVideoKey, ownerFromKey, parseLtxVideoKey, parseUploadImageKey, renderKey, thumbnailKey, titleFromKey } from '../../../shared/domain/keys';
import { derivedJobId } from '../../../shared/domain/derived-job-id';

const USER = '6f1c1f7e-2c3a-4b4e-9d7a-0c1b2a3d4e5f';
const JOB = '0b8f3f3c-1111-4a2b-8c3d-123456789abc';

describe('key layout', () => {
  it('builds every key under its prefix, from ids only', () => {
    expect(imageKey(USER, JOB, 'jpg')).toBe(`images/${USER}/${JOB}.jpg`);
    expect(ltxVideoKey(USER, JOB)).toBe(`ltx-videos/${USER}/${JOB}.mp4`);
    expect(renderKey(USER, JOB)).toBe(`renders/${USER}/${JOB}.mp4`);
    expect(thumbnailKey(USER, JOB)).toBe(`thumbnails/${USER}/${JOB}.jpg`);
    // 16:9 keeps the keys jobs had before formats; every other format carries its slug.
    expect(renderKey(USER, JOB, '16:9')).toBe(`renders/${USER}/${JOB}.mp4`);
    expect(renderKey(USER, JOB, '9:16')).toBe(`renders/${USER}/${JOB}-9x16.mp4`);
    expect(thumbnailKey(USER, JOB, '4:5')).toBe(`thumbnails/${USER}/${JOB}-4x5.jpg`);
  });

  it('parses the keys it builds and refuses look-alikes', () => {
    expect(parseUploadImageKey(imageKey(USER, JOB, 'webp'))).toEqual({ userId: USER, jobId: JOB, ext: 'webp' });
    expect(parseUploadImageKey(`images/${USER}/${JOB}.gif`)).toBeNull();
    expect(parseUploadImageKey(`images/${USER}/../${JOB}.jpg`)).toBeNull();
    expect(parseUploadImageKey('images/Villa Sunset.jpg')).toBeNull();
    expect(parseLtxVideoKey(ltxVideoKey(USER, JOB))).toEqual({ userId: USER, jobId: JOB, orientation: 'landscape' });
    expect(ltxVideoKey(USER, JOB, 'landscape')).toBe(`ltx-videos/${USER}/${JOB}.mp4`);
    expect(parseLtxVideoKey(ltxVideoKey(USER, JOB, 'portrait'))).toEqual({ userId: USER, jobId: JOB, orientation: 'portrait' });
    expect(parseLtxVideoKey(`ltx-videos/${USER}/${JOB}-landscape.mp4`)).toBeNull();
    expect(parseLtxVideoKey(`ltx-videos/${USER}/${JOB}.mov`)).toBeNull();
  });

  it('derives the same job id for the same object, and another for new content', () => {
    const a = derivedJobId('bucket', 'images/Villa Été 日本.jpg', '"etag-1"');
    expect(derivedJobId('bucket', 'images/Villa Été 日本.jpg', 'etag-1')).toBe(a);
    expect(derivedJobId('bucket', 'images/Villa Été 日本.jpg', 'etag-2')).not.toBe(a);
    expect(derivedJobId('other', 'images/Villa Été 日本.jpg', 'etag-1')).not.toBe(a);
    expect(isUuid(a)).toBe(true);
  });

  it('makes a title from a dropped file name', () => {
    expect(titleFromKey('images/villa-sunset_2024.jpg')).toBe('Villa Sunset 2024');
    expect(titleFromKey('images/ops/été à bali.png')).toBe('Été À Bali');
    expect(titleFromKey('images/.jpg')).toBe('');
  });

  it('reads an owner only from a uuid folder', () => {
    expect(ownerFromKey(`images/${USER}/my photo.jpg`)).toBe(USER);
    expect(ownerFromKey('images/bob/my photo.jpg')).toBeNull();
  });
});
