import type { JobOptions } from '../domain/job-options';
import type { LtxClipPlan } from '../domain/ltx/ltx-clip-plan';

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

export interface ClipGenerationInput {
  imageUri: string;
  /** The job's prompt and camera motion (the same for every clip of the job). */
  options: JobOptions;
  /** Which clip: its orientation, model, resolution, fps and duration (ltx-clip-plan.ts). */
  clip: LtxClipPlan;
  signal?: AbortSignal;
}

export interface VideoGenerator {
  generate(input: ClipGenerationInput): Promise<GeneratedClip>;
}
