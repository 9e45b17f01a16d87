import { CopyObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagesCreatedPattern, ltxVideosCreatedPattern } from '../../../shared/domain/event-patterns';
import { parseObjectCreatedEvent } from '../../../shared/domain/object-created-event';
import { LocalEventBus } from '../../../local/event-bus/local-event-bus';
import { bridgeObjectEvents } from '../../../local/event-bus/object-events-bridge';
import { startObjectStore, type LocalObjectStore } from '../../../local/s3/start-object-store';

const BUCKET = 'villa-video-bridge';
let store: LocalObjectStore;
let s3: S3Client;
let bus: LocalEventBus;
const ltx: unknown[] = [];
const render: unknown[] = [];

beforeAll(async () => {
  store = await startObjectStore({ port: 0, dataDir: null, bucket: BUCKET, accessKeyId: 'BRIDGEKEY', secretAccessKey: 'bridge-secret' });
  s3 = new S3Client({ endpoint: store.endpoint, region: store.region, forcePathStyle: true, credentials: { accessKeyId: 'BRIDGEKEY', secretAccessKey: 'bridge-secret' } });
  bus = new LocalEventBus({ log: () => {} });
  bus.addRule({ name: 'images-created', pattern: imagesCreatedPattern(BUCKET), target: { name: 'ltx', invoke: async (e) => void ltx.push(e) } });
  bus.addRule({ name: 'ltx-videos-created', pattern: ltxVideosCreatedPattern(BUCKET), target: { name: 'render', invoke: async (e) => void render.push(e) } });
  bridgeObjectEvents(store, bus, { account: '111122223333' });
});
afterAll(async () => {
  s3?.destroy();
  await bus?.close();
  await store?.stop();
});

async function settled(count: () => number, expected: number): Promise<void> {
  while (count() < expected) await new Promise((r) => setTimeout(r, 5));
  await bus.idle();
}

describe('object events bridge (S3 eventbridge = true)', () => {
  it('turns an S3 write into an Object Created event that the images rule routes to ltx', async () => {
    const key = 'images/u1/Villa del Mar é 日本.jpg';
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'photo bytes', ContentType: 'image/jpeg' }));
    await settled(() => ltx.length, 1);
    const event = ltx[0] as { source: string; 'detail-type': string; account: string; resources: string[]; detail: { object: { key: string } } };
    expect(event).toMatchObject({ source: 'aws.s3', 'detail-type': 'Object Created', account: '111122223333', resources: [`arn:aws:s3:::${BUCKET}`] });
    // The key travels URL-encoded, as S3 sends it; the parser gives back the real key.
    expect(event.detail.object.key).toBe('images/u1/Villa+del+Mar+%C3%A9+%E6%97%A5%E6%9C%AC.jpg');
    expect(parseObjectCreatedEvent(event)).toMatchObject({ bucket: BUCKET, key, size: 11, etag: put.ETag?.replace(/"/g, ''), reason: 'PutObject' });
    expect(render).toHaveLength(0);
  });

  it('routes ltx-videos/ to render, including a copy, and other prefixes nowhere', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'ltx-videos/u1/j1.mp4', Body: 'clip' }));
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'ltx-videos/u1/j2.mp4', CopySource: `${BUCKET}/ltx-videos/u1/j1.mp4` }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'renders/u1/j1.mp4', Body: 'final' }));
    await settled(() => render.length, 2);
    expect(render.map((e) => parseObjectCreatedEvent(e).reason)).toEqual(['PutObject', 'CopyObject']);
    expect(ltx).toHaveLength(1);
    expect(bus.stats().render).toMatchObject({ invoked: 2, succeeded: 2 });
  });
});
