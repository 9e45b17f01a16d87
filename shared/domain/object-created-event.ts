import { ValidationError } from './errors';
import { OBJECT_CREATED_DETAIL_TYPE, S3_EVENT_SOURCE } from './event-patterns';
import { showValue as show } from './show-value';

/**
 * The EventBridge `Object Created` event S3 sends when a bucket has `eventbridge = true`
 * (shape: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
 *
 * Key encoding: as in classic S3 notifications, `detail.object.key` is URL-encoded in the
 * application/x-www-form-urlencoded style ("red flower.jpg" arrives as "red+flower.jpg", a real "+"
 * as "%2B", "/" left as is). AWS's own Powertools parser decodes the EventBridge key with
 * `unquote_plus` for that reason (aws_lambda_powertools data_classes S3EventBridgeNotificationObject).
 * `parseObjectCreatedEvent` returns the decoded key; `buildObjectCreatedEvent` encodes it.
 */

export const OBJECT_CREATED_REASONS = ['PutObject', 'POST Object', 'CopyObject', 'CompleteMultipartUpload'] as const;
export type ObjectCreatedReason = (typeof OBJECT_CREATED_REASONS)[number];

export interface ObjectCreated {
  /** The EventBridge event id: the same for every redelivery of one event. */
  id: string;
  time: string;
  bucket: string;
  /** The object key, decoded: usable as is with the S3 API. */
  key: string;
  size: number;
  /** Without quotes, as S3 puts it in the event. */
  etag: string;
  sequencer: string;
  reason: ObjectCreatedReason;
  versionId?: string;
}

export interface S3ObjectCreatedEvent {
  version: '0';
  id: string;
  'detail-type': typeof OBJECT_CREATED_DETAIL_TYPE;
  source: typeof S3_EVENT_SOURCE;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    version: '0';
    bucket: { name: string };
    object: { key: string; size: number; etag: string; sequencer: string; 'version-id'?: string };
    'request-id': string;
    requester: string;
    'source-ip-address': string;
    reason: ObjectCreatedReason;
  };
}

const utf8 = new TextEncoder();
const randomUUID = (): string => globalThis.crypto.randomUUID();

// Unreserved in form encoding (Java's URLEncoder set, which S3 notifications follow), plus "/".
const KEEP = /[A-Za-z0-9.\-_*/]/;

/** Encodes a key the way S3 writes it into event notifications. */
export function encodeS3EventKey(key: string): string {
  let out = '';
  for (const ch of key) {
    if (ch === ' ') out += '+';
    else if (KEEP.test(ch)) out += ch;
    else for (const byte of utf8.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes a key from an S3 event notification ("+" is a space, "%2B" a plus). */
export function decodeS3EventKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch (cause) {
    throw new ValidationError('detail.object.key', `detail.object.key is not a valid URL-encoded key: ${JSON.stringify(encoded)}`, { cause });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireObject(value: unknown, path: string): Record<string, unknown> {
  if (!isObject(value)) throw new ValidationError(path, `${path} must be an object, received ${show(value)}`);
  return value;
}

function requireString(value: unknown, path: string, { allowEmpty = false } = {}): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new ValidationError(path, `${path} must be a non-empty string, received ${show(value)}`);
  }
  return value;
}

/**
 * Validates an EventBridge event as an S3 `Object Created` event and returns what the pipeline uses.
 * Throws ValidationError naming the field (e.g. `detail.object.size`) and the value received.
 */
export function parseObjectCreatedEvent(event: unknown): ObjectCreated {
  const root = requireObject(event, 'event');
  const source = root.source;
  if (source !== S3_EVENT_SOURCE) throw new ValidationError('source', `source must be "${S3_EVENT_SOURCE}", received ${show(source)}`);
  const detailType = root['detail-type'];
  if (detailType !== OBJECT_CREATED_DETAIL_TYPE) {
    throw new ValidationError('detail-type', `detail-type must be "${OBJECT_CREATED_DETAIL_TYPE}", received ${show(detailType)}`);
  }
  const id = requireString(root.id, 'id');
  const time = requireString(root.time, 'time');
  if (Number.isNaN(Date.parse(time))) throw new ValidationError('time', `time must be an ISO-8601 timestamp, received ${show(time)}`);

  const detail = requireObject(root.detail, 'detail');
  const bucket = requireString(requireObject(detail.bucket, 'detail.bucket').name, 'detail.bucket.name');
  const object = requireObject(detail.object, 'detail.object');
  const key = decodeS3EventKey(requireString(object.key, 'detail.object.key'));
  const size = object.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new ValidationError('detail.object.size', `detail.object.size must be a non-negative integer, received ${show(size)}`);
  }
  const etag = requireString(object.etag, 'detail.object.etag');
  const sequencer = requireString(object.sequencer, 'detail.object.sequencer');
  const reason = detail.reason;
  if (typeof reason !== 'string' || !(OBJECT_CREATED_REASONS as readonly string[]).includes(reason)) {
    throw new ValidationError('detail.reason', `detail.reason must be one of ${OBJECT_CREATED_REASONS.join(', ')}, received ${show(reason)}`);
  }
  const versionId = object['version-id'];
  if (versionId !== undefined && typeof versionId !== 'string') {
    throw new ValidationError('detail.object.version-id', `detail.object.version-id must be a string when present, received ${show(versionId)}`);
  }
  const parsed: ObjectCreated = { id, time, bucket, key, size, etag: etag.replace(/"/g, ''), sequencer, reason: reason as ObjectCreatedReason };
  if (versionId !== undefined) parsed.versionId = versionId;
  return parsed;
}

/** What the event is built from: the object's facts (`key` not encoded: it is encoded here as S3 does) and envelope details. */
export interface BuildObjectCreatedInput extends Omit<ObjectCreated, 'id' | 'time'> {
  id?: string;
  time?: Date | string;
  account?: string;
  region?: string;
  requestId?: string;
  requester?: string;
  sourceIpAddress?: string;
}

/** Builds the event exactly as S3 sends it to EventBridge (used by the local bus and by tests). */
export function buildObjectCreatedEvent(input: BuildObjectCreatedInput): S3ObjectCreatedEvent {
  const time = input.time instanceof Date ? input.time : input.time === undefined ? new Date() : new Date(input.time);
  const object: S3ObjectCreatedEvent['detail']['object'] = {
    key: encodeS3EventKey(input.key),
    size: input.size,
    etag: input.etag.replace(/"/g, ''),
    sequencer: input.sequencer,
  };
  if (input.versionId !== undefined) object['version-id'] = input.versionId;
  return {
    version: '0',
    id: input.id ?? randomUUID(),
    'detail-type': OBJECT_CREATED_DETAIL_TYPE,
    source: S3_EVENT_SOURCE,
    account: input.account ?? '000000000000',
    // EventBridge times have second precision.
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: input.region ?? 'us-east-1',
    resources: [`arn:aws:s3:::${input.bucket}`],
    detail: {
      version: '0',
      bucket: { name: input.bucket },
      object,
      'request-id': input.requestId ?? randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
      requester: input.requester ?? input.account ?? '000000000000',
      'source-ip-address': input.sourceIpAddress ?? '127.0.0.1',
      reason: input.reason,
    },
  };
}
