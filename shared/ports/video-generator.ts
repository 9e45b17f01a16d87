import type { JobOptions } from '../domain/job-options';

/**
 * The image-to-video step's port; the real one is LTX-2 (shared/adapters/ltx/ltx-video-generator.ts). The clip
 * arrives as a complete local file: a body cut short is caught, and retried, inside the generator's
 * own retry loop, before anything is written to the bucket.
 */
export interface GeneratedClip {
  /** A temporary MP4 file, complete and checked; `dispose` removes it. */
  path: string;
  sizeBytes: number;
  requestId: string;
  attempts: number;
  dispose(): Promise<void>;
}

export interface VideoGenerator {
  generate(input: { imageUri: string; options: JobOptions; signal?: AbortSignal }): Promise<GeneratedClip>;
}
