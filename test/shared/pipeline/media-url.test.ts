import { describe, expect, it } from 'vitest';
import { mediaUrl } from '../../../shared/pipeline/media-url';
import type { ObjectStore } from '../../../shared/ports/object-store';

const signed: Array<{ key: string; seconds: number }> = [];
const store: Pick<ObjectStore, 'presignGet'> = { presignGet: async (key: string, seconds: number) => (signed.push({ key, seconds }), `https://s3.example/${key}?sig`) };

describe('mediaUrl', () => {
  it('serves a deliverable under the CDN base, each key segment encoded, with or without a trailing slash', async () => {
    expect(await mediaUrl(store, 'https://cdn.example', 'renders/u1/Villa Été.mp4')).toBe('https://cdn.example/renders/u1/Villa%20%C3%89t%C3%A9.mp4');
    expect(await mediaUrl(store, 'https://cdn.example/media/', 'thumbnails/u1/j1.jpg')).toBe('https://cdn.example/media/thumbnails/u1/j1.jpg');
    expect(signed).toEqual([]);
  });

  it('falls back to a presigned GET that lasts as long as SigV4 allows (7 days)', async () => {
    expect(await mediaUrl(store, undefined, 'renders/u1/j1.mp4')).toBe('https://s3.example/renders/u1/j1.mp4?sig');
    expect(signed).toEqual([{ key: 'renders/u1/j1.mp4', seconds: 7 * 24 * 3600 }]);
  });
});
