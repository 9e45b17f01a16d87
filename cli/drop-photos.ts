import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { PipelineConfig } from '../shared/config';
import { ValidationError } from '../shared/domain/errors';
import { checkPhotoBytes } from '../shared/domain/image-check';
import { optionsFromMetadata } from '../shared/domain/job-metadata';
import { isUuid, PREFIXES, titleFromKey } from '../shared/domain/keys';
import { derivedJobId } from '../shared/domain/derived-job-id';
import type { ObjectStore } from '../shared/ports/object-store';
import { parseFormatList } from '../shared/domain/video-formats';

export interface DropOptions {
  title?: string;
  subtitle?: string;
  prompt?: string;
  cameraMotion?: string;
  duration?: string;
  musicFile?: string;
  /** A user id (UUID): the photo goes to `images/{owner}/…` and the job is theirs. */
  owner?: string;
  /** A comma list, `16:9,9:16`: the videos each job makes (default: the deployment's DEFAULT_FORMATS). */
  formats?: string;
}

export interface DroppedPhoto {
  file: string;
  key: string;
  jobId: string;
}

/** The object metadata the LTX step reads from a dropped photo (shared/domain/job-metadata.ts). */
function dropMetadata(o: DropOptions): Record<string, string> {
  const pairs: Array<[string, string | undefined]> = [
    ['title', o.title],
    ['subtitle', o.subtitle],
    ['prompt', o.prompt],
    ['camera-motion', o.cameraMotion],
    ['duration', o.duration],
    ['music-file', o.musicFile],
    ['formats', o.formats === undefined ? undefined : formatList(o.formats)],
  ];
  return Object.fromEntries(pairs.filter((p): p is [string, string] => p[1] !== undefined));
}

/** `--formats` in the canonical order, or a refusal that names the option and the formats there are. */
function formatList(list: string): string {
  try {
    return parseFormatList(list).join(',');
  } catch (err) {
    throw new ValidationError('formats', `--${(err as Error).message}`);
  }
}

/** Checks every file and option first (nothing is uploaded if one is wrong), with the pipeline's own checks and messages. */
export async function prepareDrops(files: string[], options: DropOptions, config: Pick<PipelineConfig, 'jobDefaults'>) {
  if (files.length === 0) throw new ValidationError('files', 'drop needs at least one photo: video-pipeline drop <files…>');
  if (options.owner !== undefined && !isUuid(options.owner)) {
    throw new ValidationError('owner', `--owner must be a user id (a lower-case UUID), got ${JSON.stringify(options.owner)}`);
  }
  const metadata = dropMetadata(options);
  const prepared = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new ValidationError('files', `${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let contentType;
    try {
      contentType = checkPhotoBytes(bytes);
    } catch (err) {
      throw new ValidationError('files', `${file}: ${(err as Error).message}`);
    }
    const key = `${PREFIXES.images}${options.owner ? `${options.owner}/` : ''}${basename(file)}`;
    // The LTX step would refuse bad metadata after the upload; refuse it here, before.
    optionsFromMetadata(metadata, titleFromKey(key), config.jobDefaults);
    prepared.push({ file, key, bytes, contentType, metadata });
  }
  return prepared;
}

/**
 * Uploads the photos into `images/` as an operator would by hand. Each Object Created event starts
 * a job whose id is derived from bucket, key and ETag, so it is known here without asking anyone.
 */
export async function dropPhotos(store: ObjectStore, prepared: Awaited<ReturnType<typeof prepareDrops>>): Promise<DroppedPhoto[]> {
  const dropped: DroppedPhoto[] = [];
  for (const p of prepared) {
    const { etag } = await store.put(p.key, p.bytes, { contentType: p.contentType, metadata: p.metadata });
    if (!etag) throw new Error(`the store returned no ETag for ${p.key}, so its job id cannot be derived`);
    dropped.push({ file: p.file, key: p.key, jobId: derivedJobId(store.bucket, p.key, etag) });
  }
  return dropped;
}
