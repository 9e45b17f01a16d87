import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors';
import { matchesEventPattern, validateEventPattern } from '../../../local/event-bus/event-pattern-match';

// Examples are AWS's own, from:
//   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
//   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
//   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
//   https://github.com/aws/event-ruler/blob/main/README.md (AWS's reference matcher, for $or and wildcard escaping)

/** The sample event of the event-ruler README and the EventBridge guide. */
const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', 'instance-id': 'i-000000aaaaaa00000', state: 'running' },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail });

describe('exact matching', () => {
  it('matches when every field matches one of its values (AND of fields, OR of values)', () => {
    const pattern = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
      detail: { state: ['initializing', 'running'] },
    };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'initializing' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'stopped' }))).toBe(false);
    expect(matchesEventPattern({ ...pattern, source: ['aws.s3'] }, ec2Event)).toBe(false);
  });

  it('is case-sensitive and needs the field to exist', () => {
    expect(matchesEventPattern({ detail: { state: ['Running'] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { missing: ['running'] } }, ec2Event)).toBe(false);
  });

  it('matches numbers numerically, and booleans, null and the empty string exactly', () => {
    expect(matchesEventPattern({ detail: { 'x-limit': [3.018e2] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'c-count': ['5'] } }, ec2Event)).toBe(false);
    // "UserID is null" / "LastName is empty" (comparison operators table)
    expect(matchesEventPattern({ UserID: [null] }, { UserID: null })).toBe(true);
    expect(matchesEventPattern({ UserID: [null] }, {})).toBe(false);
    expect(matchesEventPattern({ LastName: [''] }, { LastName: '' })).toBe(true);
    expect(matchesEventPattern({ flag: [true] }, { flag: true })).toBe(true);
    expect(matchesEventPattern({ flag: [true] }, { flag: 'true' })).toBe(false);
  });

  it('matches an array in the event when any element matches', () => {
    // eb-event-patterns-arrays: "resources" matches if the intersection is non-empty.
    const event = { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'] };
    expect(matchesEventPattern({ resources: ['arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f', 'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] }, event)).toBe(true);
    expect(matchesEventPattern({ resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] }, event)).toBe(false);
  });

  it('matches arrays of objects element by element (event-ruler "JSON Array Matching")', () => {
    const event = { employees: [{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter', lastName: 'Jones' }] };
    expect(matchesEventPattern({ employees: { firstName: ['Anna'] } }, event)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe(false);
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
  });
});

describe('prefix and suffix', () => {
  it('prefix: "time" starting with 2017-10-02', () => {
    const pattern = { time: [{ prefix: '2017-10-02' }] };
    expect(matchesEventPattern(pattern, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matchesEventPattern(pattern, { time: '2017-10-03T18:43:48Z' })).toBe(false);
    expect(matchesEventPattern({ n: [{ prefix: '1' }] }, { n: 12 })).toBe(false);
  });

  it('prefix with equals-ignore-case: service starting with EventB in any casing', () => {
    const pattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    for (const service of ['EventBridge', 'EVENTBRIDGE', 'eventbus']) expect(matchesEventPattern(pattern, { detail: { service } })).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { service: 'Lambda' } })).toBe(false);
  });

  it('suffix: FileName ending with .png, and with equals-ignore-case', () => {
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'photo.png' })).toBe(true);
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'photo.PNG' })).toBe(false);
    const ignoreCase = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    expect(matchesEventPattern(ignoreCase, { detail: { FileName: 'photo.PNG' } })).toBe(true);
    expect(matchesEventPattern(ignoreCase, { detail: { FileName: 'photo.jpg' } })).toBe(false);
  });
});

describe('anything-but', () => {
  it('a string and a number', () => {
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': 'running' }] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': 301.8 }] } }, ec2Event)).toBe(false);
  });

  it('a list of strings and a list of numbers', () => {
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, withDetail({ 'x-limit': 200 }))).toBe(false);
  });

  it('never matches a missing field', () => {
    expect(matchesEventPattern({ detail: { absent: [{ 'anything-but': 'x' }] } }, ec2Event)).toBe(false);
  });

  it('prefix: state not starting with "init"; source not starting with "aws."', () => {
    const pattern = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'initializing' }))).toBe(false);
    expect(matchesEventPattern({ source: [{ 'anything-but': { prefix: 'aws.' } }] }, { source: 'villa-video.pipeline' })).toBe(true);
    expect(matchesEventPattern({ source: [{ 'anything-but': { prefix: 'aws.' } }] }, { source: 'aws.s3' })).toBe(false);
  });

  it('suffix: FileName not ending with .png; lists of prefixes and suffixes', () => {
    expect(matchesEventPattern({ FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.jpg' })).toBe(true);
    expect(matchesEventPattern({ FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.png' })).toBe(false);
    const suffixes = { FileName: [{ 'anything-but': { suffix: ['.txt', '.png'] } }] };
    expect(matchesEventPattern(suffixes, { FileName: 'a.txt' })).toBe(false);
    expect(matchesEventPattern(suffixes, { FileName: 'a.webp' })).toBe(true);
    const prefixes = { Region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] };
    expect(matchesEventPattern(prefixes, { Region: 'eu-west-1' })).toBe(false);
    expect(matchesEventPattern(prefixes, { Region: 'ap-south-1' })).toBe(true);
  });

  it('equals-ignore-case: any value besides "initializing" in any casing', () => {
    const pattern = { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] };
    expect(matchesEventPattern(pattern, { state: 'INITIALIZING' })).toBe(false);
    expect(matchesEventPattern(pattern, { state: 'running' })).toBe(true);
    const list = { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] };
    expect(matchesEventPattern(list, { state: 'stopped' })).toBe(false);
    expect(matchesEventPattern(list, { state: 'running' })).toBe(true);
  });

  it('wildcard: FilePath not including /lib/', () => {
    const pattern = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(matchesEventPattern(pattern, { FilePath: '/usr/lib/libc.so' })).toBe(false);
    expect(matchesEventPattern(pattern, { FilePath: '/usr/bin/env' })).toBe(true);
  });
});

describe('numeric', () => {
  it('matches ranges and equality on JSON numbers only', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ ...ec2Event.detail, 'c-count': 6 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ ...ec2Event.detail, 'c-count': 0 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ ...ec2Event.detail, 'd-count': 10 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ ...ec2Event.detail, 'c-count': '5' }))).toBe(false);
    // "Price is more than 10, and less than or equal to 20"
    const price = { Price: [{ numeric: ['>', 10, '<=', 20] }] };
    expect([9, 10, 10.5, 20, 20.1].map((Price) => matchesEventPattern(price, { Price }))).toEqual([false, false, true, true, false]);
    expect(matchesEventPattern({ Price: [{ numeric: ['>=', 10] }] }, { Price: 10 })).toBe(true);
  });
});

describe('exists', () => {
  it('exists: false matches a missing field, and a field that is not a leaf', () => {
    const pattern = { detail: { 'c-count': [{ exists: false }] } };
    expect(matchesEventPattern(pattern, { 'detail-type': 'x', detail: { state: ['initializing', 'running'] } })).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { state: 'running', 'c-count': { c1: 100 } } })).toBe(true);
    expect(matchesEventPattern(pattern, ec2Event)).toBe(false);
  });

  it('exists: true matches a present leaf', () => {
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { description: [{ exists: true }] } }, ec2Event)).toBe(false);
  });
});

describe('equals-ignore-case', () => {
  it('matches Name "Alice" in any casing, strings only', () => {
    const pattern = { Name: [{ 'equals-ignore-case': 'alice' }] };
    expect(matchesEventPattern(pattern, { Name: 'Alice' })).toBe(true);
    expect(matchesEventPattern(pattern, { Name: 'ALICE' })).toBe(true);
    expect(matchesEventPattern(pattern, { Name: 'Alicia' })).toBe(false);
    expect(matchesEventPattern({ source: [{ 'equals-ignore-case': 'EC2' }] }, { source: 'ec2' })).toBe(true);
  });
});

describe('wildcard', () => {
  it('"dir/*.png": any .png file within dir, at any depth', () => {
    const pattern = { FileName: [{ wildcard: 'dir/*.png' }] };
    expect(matchesEventPattern(pattern, { FileName: 'dir/photo.png' })).toBe(true);
    expect(matchesEventPattern(pattern, { FileName: 'dir/sub/photo.png' })).toBe(true);
    expect(matchesEventPattern(pattern, { FileName: 'dir/photo.jpg' })).toBe(false);
    expect(matchesEventPattern(pattern, { FileName: 'other/photo.png' })).toBe(false);
  });

  it('"Simple*Service" and escaped stars and backslashes (event-ruler README)', () => {
    expect(matchesEventPattern({ source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueueService' })).toBe(true);
    expect(matchesEventPattern({ source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleService' })).toBe(true);
    expect(matchesEventPattern({ v: [{ wildcard: 'a\\*b' }] }, { v: 'a*b' })).toBe(true);
    expect(matchesEventPattern({ v: [{ wildcard: 'a\\*b' }] }, { v: 'axb' })).toBe(false);
    expect(matchesEventPattern({ v: [{ wildcard: 'a\\\\b' }] }, { v: 'a\\b' })).toBe(true);
    expect(matchesEventPattern({ v: [{ wildcard: 'a.c' }] }, { v: 'abc' })).toBe(false);
  });
});

describe('$or', () => {
  it('source AND (metricName OR namespace)', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', metricName: 'Other' })).toBe(false);
    expect(matchesEventPattern(pattern, { source: 'aws.ec2', metricName: 'ReadLatency' })).toBe(false);
  });

  it('nested $or with an AND inside', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        { scope: ['Service'] },
      ],
    };
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1 })).toBe(false);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', scope: 'Service' })).toBe(true);
  });
});

describe('cidr', () => {
  it('matches IPv4 and IPv6 addresses in a block', () => {
    expect(matchesEventPattern({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:0:1::7' })).toBe(true);
    expect(matchesEventPattern({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::7' })).toBe(false);
  });
});

describe('validateEventPattern', () => {
  const invalid: Array<[string, unknown, RegExp]> = [
    ['a non-object', 'aws.s3', /must be a JSON object, received "aws.s3"/],
    ['a bare string value', { source: 'aws.s3' }, /\.source: a field must hold an array/],
    ['an empty array', { source: [] }, /\.source: empty arrays are not allowed/],
    ['an empty object', { detail: {} }, /\.detail: empty objects are not allowed/],
    ['an unknown operator', { source: [{ contains: 'x' }] }, /unrecognized match type "contains"/],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one operator/],
    ['a numeric prefix', { source: [{ prefix: 5 }] }, /\.source\[0\]\.prefix: must be a string or \{"equals-ignore-case": string\}, received 5/],
    ['a mixed anything-but list', { n: [{ 'anything-but': ['a', 1] }] }, /only strings or only numbers/],
    ['an empty anything-but prefix', { n: [{ 'anything-but': { prefix: '' } }] }, /empty prefix is not allowed/],
    ['an unknown numeric operator', { n: [{ numeric: ['!=', 1] }] }, /unknown numeric operator "!="/],
    ['a reversed numeric range', { n: [{ numeric: ['>', 5, '<', 1] }] }, /lower bound must be below the upper bound/],
    ['a numeric bound out of range', { n: [{ numeric: ['>', 6e9] }] }, /between -5e9 and 5e9, received 6000000000/],
    ['consecutive wildcards', { f: [{ wildcard: 'a**b' }] }, /consecutive wildcard characters/],
    ['a bad wildcard escape', { f: [{ wildcard: 'a\\b' }] }, /backslash may only escape/],
    ['exists with a string', { f: [{ exists: 'yes' }] }, /"exists" takes true or false, received "yes"/],
    ['$or with one branch', { $or: [{ a: ['1'] }] }, /"\$or" needs at least 2 objects, received 1/],
    ['a bad cidr', { ip: [{ cidr: '10.0.0.0/33' }] }, /CIDR block/],
  ];
  it.each(invalid)('rejects %s with a ValidationError naming the place', (_name, pattern, message) => {
    expect(() => validateEventPattern(pattern)).toThrow(ValidationError);
    expect(() => validateEventPattern(pattern)).toThrow(message);
  });

  it('names the path in the error field', () => {
    try {
      validateEventPattern({ detail: { object: { key: [{ prefix: 1 }] } } });
      expect.unreachable();
    } catch (err) {
      expect((err as ValidationError).field).toBe('eventPattern.detail.object.key[0].prefix');
    }
  });

  it('accepts every documented form', () => {
    expect(() =>
      validateEventPattern({
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }, { 'anything-but': { suffix: ['.a', '.b'] } }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
          'source-ip': [{ cidr: '10.0.0.0/8' }],
          name: [{ wildcard: '*.png' }, { 'equals-ignore-case': 'x' }, null, true, 5, ''],
          $or: [{ a: [{ exists: true }] }, { b: [{ exists: false }] }],
        },
      }),
    ).not.toThrow();
  });

  it('makes matchesEventPattern throw rather than silently match nothing', () => {
    expect(() => matchesEventPattern({ source: 'aws.s3' }, { source: 'aws.s3' })).toThrow(ValidationError);
  });
});
