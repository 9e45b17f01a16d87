import { parseObjectCreatedEvent, type ObjectCreated } from './object-created-event';
import { ownerFromKey, parseLtxVideoKey, parseUploadImageKey, PREFIXES, titleFromKey, type ImageExtension } from './keys';
import type { ClipOrientation } from './video-formats';

/**
 * What an Object Created event is to the pipeline, decided once, here, from its key: the steps
 * work on this value and never parse a key again.
 */
export type PipelineObject = UploadedPhoto | DroppedPhoto | Clip | OtherObject;

/** `images/{userId}/{jobId}.{ext}`: a photo PUT through a presigned URL from `POST /uploads` (its job exists). */
export interface UploadedPhoto extends ObjectCreated {
  kind: 'uploaded-photo';
  userId: string;
  jobId: string;
  ext: ImageExtension;
}

/** Anything else under `images/`: a photo an operator dropped by hand; its job is made from the object. */
export interface DroppedPhoto extends ObjectCreated {
  kind: 'dropped-photo';
  /** The owner when the operator put it under `images/{userId}/`, else null (metadata or the operator's id decide). */
  ownerId: string | null;
  /** A title from the file name (`villa-sunset.jpg` → `Villa Sunset`), '' when it gives none. */
  title: string;
}

/** `ltx-videos/{userId}/{jobId}[-portrait].mp4`: a base clip the LTX step wrote. */
export interface Clip extends ObjectCreated {
  kind: 'clip';
  userId: string;
  jobId: string;
  /** A job gets one clip per orientation its formats need (video-formats.ts). */
  orientation: ClipOrientation;
}

/** A key the pipeline does not own (another prefix, or a look-alike under `ltx-videos/`). */
export interface OtherObject extends ObjectCreated {
  kind: 'other';
  /** Why no step takes it, for the step's `skipped` outcome. */
  notOurs: string;
}

function classifyObject(object: ObjectCreated): PipelineObject {
  const { key } = object;
  if (key.startsWith(PREFIXES.images)) {
    const upload = parseUploadImageKey(key);
    if (upload) return { ...object, kind: 'uploaded-photo', ...upload };
    return { ...object, kind: 'dropped-photo', ownerId: ownerFromKey(key), title: titleFromKey(key) };
  }
  if (key.startsWith(PREFIXES.ltxVideos)) {
    const clip = parseLtxVideoKey(key);
    if (clip) return { ...object, kind: 'clip', ...clip };
    return { ...object, kind: 'other', notOurs: `${key} is not a clip key (ltx-videos/{userId}/{jobId}.mp4)` };
  }
  return { ...object, kind: 'other', notOurs: `${key} is under neither ${PREFIXES.images} nor ${PREFIXES.ltxVideos}` };
}

/** Validates an EventBridge event as S3 Object Created (ValidationError naming the field) and classifies it. */
export function parsePipelineObject(event: unknown): PipelineObject {
  return classifyObject(parseObjectCreatedEvent(event));
}
