import { describe, expect, it } from 'vitest';
import { parsePipelineObject } from '../../../shared/domain/pipeline-object';
import { objectCreatedEvent } from '../../helpers/events';

const USER = '6f1c1f7e-2c3a-4b4e-9d7a-0c1b2a3d4e5f';
const JOB = '0b8f3f3c-1111-4a2b-8c3d-123456789abc';
const parse = (key: string) => parsePipelineObject(objectCreatedEvent({ key }));

describe('parsePipelineObject', () => {
  it('reads an uploaded photo’s owner, job and extension from its key, keeping the event’s facts', () => {
    const object = parsePipelineObject(objectCreatedEvent({ key: `images/${USER}/${JOB}.webp`, size: 2048, etag: 'abc', reason: 'CopyObject' }));
    expect(object).toMatchObject({ kind: 'uploaded-photo', userId: USER, jobId: JOB, ext: 'webp', key: `images/${USER}/${JOB}.webp`, size: 2048, etag: 'abc', reason: 'CopyObject', bucket: 'villa-video-test' });
  });

  it('takes any other images/ key as a dropped photo, with a title from its name and an owner only from a uuid folder', () => {
    expect(parse('images/Villa Sunset été.jpg')).toMatchObject({ kind: 'dropped-photo', ownerId: null, title: 'Villa Sunset Été' });
    expect(parse(`images/${USER}/pool_terrace-2024.png`)).toMatchObject({ kind: 'dropped-photo', ownerId: USER, title: 'Pool Terrace 2024' });
    expect(parse(`images/${USER}/${JOB}.gif`)).toMatchObject({ kind: 'dropped-photo', ownerId: USER });
    expect(parse('images/bob/x.jpg')).toMatchObject({ kind: 'dropped-photo', ownerId: null, title: 'X' });
  });

  it('reads a clip’s owner, job and orientation', () => {
    expect(parse(`ltx-videos/${USER}/${JOB}.mp4`)).toMatchObject({ kind: 'clip', userId: USER, jobId: JOB, orientation: 'landscape' });
    expect(parse(`ltx-videos/${USER}/${JOB}-portrait.mp4`)).toMatchObject({ kind: 'clip', jobId: JOB, orientation: 'portrait' });
  });

  it('names what it is not: a look-alike clip key, another prefix', () => {
    expect(parse(`ltx-videos/${USER}/${JOB}-square.mp4`)).toMatchObject({ kind: 'other', notOurs: `ltx-videos/${USER}/${JOB}-square.mp4 is not a clip key (ltx-videos/{userId}/{jobId}.mp4)` });
    expect(parse(`renders/${USER}/${JOB}.mp4`)).toMatchObject({ kind: 'other', notOurs: `renders/${USER}/${JOB}.mp4 is under neither images/ nor ltx-videos/` });
  });
});
