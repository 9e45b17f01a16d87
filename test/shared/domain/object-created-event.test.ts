import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors';
import { buildObjectCreatedEvent, decodeS3EventKey, encodeS3EventKey, parseObjectCreatedEvent } from '../../../shared/domain/object-created-event';
import { objectCreatedEvent, TEST_BUCKET, withField } from '../../helpers/events';
import { S3_OBJECT_CREATED_EXAMPLE } from '../../fixtures/aws/documented-events';

const awsExample = S3_OBJECT_CREATED_EXAMPLE;

describe('parseObjectCreatedEvent', () => {
  it("reads AWS's documented example", () => {
    expect(parseObjectCreatedEvent(awsExample)).toEqual({
      id: '17793124-05d4-b198-2fde-7ededc63b103',
      time: '2021-11-12T00:00:00Z',
      bucket: 'amzn-s3-demo-bucket1',
      key: 'example-key',
      size: 5,
      etag: 'b1946ac92492d2347c6235b4d2611184',
      sequencer: '617f08299329d189',
      reason: 'PutObject',
      versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
    });
  });

  it.each(['PutObject', 'POST Object', 'CopyObject', 'CompleteMultipartUpload'] as const)('accepts reason %s', (reason) => {
    expect(parseObjectCreatedEvent(objectCreatedEvent({ reason })).reason).toBe(reason);
  });

  it('decodes keys with spaces, plus signs and non-ASCII characters', () => {
    // S3 writes "red flower.jpg" as "red+flower.jpg" and a real "+" as "%2B".
    expect(parseObjectCreatedEvent(withField(awsExample, 'detail.object.key', 'images/u1/red+flower.jpg')).key).toBe('images/u1/red flower.jpg');
    expect(parseObjectCreatedEvent(withField(awsExample, 'detail.object.key', 'images/u1/c%2B%2B.png')).key).toBe('images/u1/c++.png');
    expect(parseObjectCreatedEvent(withField(awsExample, 'detail.object.key', 'images/u1/Caf%C3%A9+%E6%97%A5%E6%9C%AC.jpg')).key).toBe('images/u1/Café 日本.jpg');
  });

  it('round-trips keys through buildObjectCreatedEvent', () => {
    for (const key of ['images/u1/villa by the sea.jpg', 'images/u1/Café 日本.webp', 'images/u1/a+b=c&d?.png', 'images/u1/100%.jpg', "images/u1/it's (1).jpg"]) {
      const event = objectCreatedEvent({ key });
      expect(event.detail.object.key).not.toContain(' ');
      expect(parseObjectCreatedEvent(event).key).toBe(key);
    }
  });

  const bad: Array<[string, string, unknown, RegExp]> = [
    ['source', 'source', 'aws.ec2', /source must be "aws.s3", received "aws.ec2"/],
    ['detail-type', 'detail-type', 'Object Deleted', /detail-type must be "Object Created", received "Object Deleted"/],
    ['id', 'id', undefined, /id must be a non-empty string, received undefined/],
    ['time', 'time', 'yesterday', /time must be an ISO-8601 timestamp, received "yesterday"/],
    ['detail', 'detail', 'x', /detail must be an object, received "x"/],
    ['detail.bucket.name', 'detail.bucket.name', '', /detail.bucket.name must be a non-empty string, received ""/],
    ['detail.object', 'detail.object', null, /detail.object must be an object, received null/],
    ['detail.object.key', 'detail.object.key', 42, /detail.object.key must be a non-empty string, received 42/],
    ['detail.object.key', 'detail.object.key', 'images/%E0%A4%A', /detail.object.key is not a valid URL-encoded key/],
    ['detail.object.size', 'detail.object.size', -1, /detail.object.size must be a non-negative integer, received -1/],
    ['detail.object.size', 'detail.object.size', '5', /detail.object.size must be a non-negative integer, received "5"/],
    ['detail.object.etag', 'detail.object.etag', undefined, /detail.object.etag must be a non-empty string/],
    ['detail.object.sequencer', 'detail.object.sequencer', 7, /detail.object.sequencer must be a non-empty string, received 7/],
    ['detail.object.version-id', 'detail.object.version-id', 3, /detail.object.version-id must be a string when present, received 3/],
    ['detail.reason', 'detail.reason', 'DeleteObject', /detail.reason must be one of PutObject, POST Object, CopyObject, CompleteMultipartUpload, received "DeleteObject"/],
  ];
  it.each(bad)('refuses a bad %s, naming the field', (field, path, value, message) => {
    const event = withField(awsExample, path, value);
    expect(() => parseObjectCreatedEvent(event)).toThrow(message);
    try {
      parseObjectCreatedEvent(event);
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe(field);
    }
  });

  it('refuses something that is not an event at all', () => {
    expect(() => parseObjectCreatedEvent('{}')).toThrow(/event must be an object, received "\{\}"/);
  });
});

describe('buildObjectCreatedEvent', () => {
  it("produces S3's EventBridge shape", () => {
    const event = buildObjectCreatedEvent({
      bucket: TEST_BUCKET,
      key: 'images/u1/my photo.jpg',
      size: 10,
      etag: '"abc"',
      sequencer: '0001',
      reason: 'CopyObject',
      versionId: 'v1',
      id: 'id-1',
      time: new Date('2025-03-04T05:06:07.890Z'),
      account: '111122223333',
    });
    expect(event).toMatchObject({
      version: '0',
      id: 'id-1',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '111122223333',
      time: '2025-03-04T05:06:07Z',
      region: 'us-east-1',
      resources: [`arn:aws:s3:::${TEST_BUCKET}`],
      detail: {
        version: '0',
        bucket: { name: TEST_BUCKET },
        object: { key: 'images/u1/my+photo.jpg', size: 10, etag: 'abc', sequencer: '0001', 'version-id': 'v1' },
        requester: '111122223333',
        reason: 'CopyObject',
      },
    });
    expect(typeof event.detail['request-id']).toBe('string');
    expect(typeof event.detail['source-ip-address']).toBe('string');
  });

  it('encodes like S3 notifications: "+" for spaces, "/" kept, UTF-8 percent-escapes', () => {
    expect(encodeS3EventKey('images/u1/red flower.jpg')).toBe('images/u1/red+flower.jpg');
    expect(encodeS3EventKey('images/é.jpg')).toBe('images/%C3%A9.jpg');
    expect(encodeS3EventKey('a+b')).toBe('a%2Bb');
    expect(decodeS3EventKey('images/%C3%A9+x.jpg')).toBe('images/é x.jpg');
  });
});
