/**
 * The EventBridge rule patterns of the pipeline, defined once: the AWS stack (main.ts) puts them on
 * its rules and the local event bus routes with them, so both environments select the same events.
 * S3 sends every object event of the bucket to EventBridge (bucket notification `eventbridge = true`);
 * these rules pick the `Object Created` ones under each stage's prefix. Every `reason` counts
 * (PutObject, POST Object, CopyObject, CompleteMultipartUpload), so none is filtered.
 */

import { PREFIXES } from './keys';

/** Source photos: the browser's presigned PUT or an operator's hand-dropped file. */
export const IMAGES_PREFIX = PREFIXES.images;
/** Base clips written by the LTX step. */
export const LTX_VIDEOS_PREFIX = PREFIXES.ltxVideos;

export const S3_EVENT_SOURCE = 'aws.s3';
export const OBJECT_CREATED_DETAIL_TYPE = 'Object Created';

/** The source of the pipeline's own domain events on the custom bus. */
export const PIPELINE_EVENT_SOURCE = 'villa-video.pipeline';
export const jobStatusChangedDetailType = 'Video Job Status Changed';
export const jobReplayRequestedDetailType = 'Video Job Replay Requested';

export interface ObjectCreatedPattern {
  source: [typeof S3_EVENT_SOURCE];
  'detail-type': [typeof OBJECT_CREATED_DETAIL_TYPE];
  detail: { bucket: { name: [string] }; object: { key: [{ prefix: string }] } };
}

function objectCreatedUnder(bucket: string, prefix: string): ObjectCreatedPattern {
  return {
    source: [S3_EVENT_SOURCE],
    'detail-type': [OBJECT_CREATED_DETAIL_TYPE],
    detail: { bucket: { name: [bucket] }, object: { key: [{ prefix }] } },
  };
}

/** Object Created under `images/` in `bucket`: starts the LTX step. */
export function imagesCreatedPattern(bucket: string): ObjectCreatedPattern {
  return objectCreatedUnder(bucket, IMAGES_PREFIX);
}

/** Object Created under `ltx-videos/` in `bucket`: starts the render step. */
export function ltxVideosCreatedPattern(bucket: string): ObjectCreatedPattern {
  return objectCreatedUnder(bucket, LTX_VIDEOS_PREFIX);
}

/** Domain events about jobs, for subscribers on the custom bus (mail, billing, analytics). */
export function jobStatusChangedPattern(): { source: [string]; 'detail-type': [string] } {
  return { source: [PIPELINE_EVENT_SOURCE], 'detail-type': [jobStatusChangedDetailType] };
}

/** Which pipeline function each rule invokes: the handler entry names used by main.ts and the local stack. */
export type PipelineTarget = 'ltx' | 'render';

export interface PipelineRule {
  /** Rule name, stable across deployments. */
  name: string;
  description: string;
  pattern: (bucket: string) => ObjectCreatedPattern;
  target: PipelineTarget;
}

export const RULES: readonly PipelineRule[] = [
  { name: 'images-created', description: 'A photo landed under images/: generate the base clip with LTX-2', pattern: imagesCreatedPattern, target: 'ltx' },
  { name: 'ltx-videos-created', description: 'A base clip landed under ltx-videos/: render the branded video', pattern: ltxVideosCreatedPattern, target: 'render' },
];
