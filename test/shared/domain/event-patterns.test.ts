import { describe, expect, it } from 'vitest';
import { matchesEventPattern, validateEventPattern } from '../../../local/event-bus/event-pattern-match';
import {
  imagesCreatedPattern,
  jobStatusChangedPattern,
  ltxVideosCreatedPattern,
  RULES,
} from '../../../shared/domain/event-patterns';
import { jobStatusChangedEvent, objectCreatedEvent, TEST_BUCKET } from '../../helpers/events';

describe('pipeline rule patterns', () => {
  it('have the shape the AWS rules use', () => {
    expect(imagesCreatedPattern('my-bucket')).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: ['my-bucket'] }, object: { key: [{ prefix: 'images/' }] } },
    });
    expect(ltxVideosCreatedPattern('my-bucket').detail.object.key).toEqual([{ prefix: 'ltx-videos/' }]);
    for (const rule of RULES) expect(() => validateEventPattern(rule.pattern(TEST_BUCKET))).not.toThrow();
  });

  it('route images/ to ltx and ltx-videos/ to render, for every creation reason', () => {
    for (const reason of ['PutObject', 'POST Object', 'CopyObject', 'CompleteMultipartUpload'] as const) {
      const image = objectCreatedEvent({ key: 'images/u1/job 1 é.jpg', reason });
      const clip = objectCreatedEvent({ key: 'ltx-videos/u1/job1.mp4', reason });
      expect(RULES.filter((r) => matchesEventPattern(r.pattern(TEST_BUCKET), image)).map((r) => r.target)).toEqual(['ltx']);
      expect(RULES.filter((r) => matchesEventPattern(r.pattern(TEST_BUCKET), clip)).map((r) => r.target)).toEqual(['render']);
    }
  });

  it('ignore other prefixes, other buckets and other detail types', () => {
    const pattern = imagesCreatedPattern(TEST_BUCKET);
    expect(matchesEventPattern(pattern, objectCreatedEvent({ key: 'renders/u1/job1.mp4' }))).toBe(false);
    expect(matchesEventPattern(pattern, objectCreatedEvent({ key: 'thumbnails/images/x.jpg' }))).toBe(false);
    expect(matchesEventPattern(pattern, objectCreatedEvent({ bucket: 'someone-else' }))).toBe(false);
    expect(matchesEventPattern(pattern, { ...objectCreatedEvent(), 'detail-type': 'Object Deleted' })).toBe(false);
  });

  it('select job status events on the custom bus', () => {
    expect(matchesEventPattern(jobStatusChangedPattern(), jobStatusChangedEvent({ jobId: 'j', userId: 'u', status: 'completed' }))).toBe(true);
    expect(matchesEventPattern(jobStatusChangedPattern(), objectCreatedEvent())).toBe(false);
  });
});
