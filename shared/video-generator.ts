import type { Readable } from 'node:stream';
import type { JobOptions } from './job-options';

/** The image-to-video step's port; the real one is LTX-2 (shared/ltx-video-generator.ts). */
export interface GeneratedClip {
  /** The MP4, streamed: never held whole in memory. */
  body: Readable;
  requestId: string;
  attempts: number;
}

export interface VideoGenerator {
  generate(input: { imageUri: string; options: JobOptions; signal?: AbortSignal }): Promise<GeneratedClip>;
}
