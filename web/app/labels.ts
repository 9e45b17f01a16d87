import type { CameraMotion } from '../../shared/domain/job-options';
import type { JobStatus } from '../../shared/domain/job-status';
import { VIDEO_FORMAT_SPECS, type VideoFormat } from '../../shared/domain/video-formats';

/** "Vertical 9:16 (Reels, TikTok, Shorts)": the shared label, so the page and the README say the same. */
export function formatLabel(format: VideoFormat): string {
  return VIDEO_FORMAT_SPECS[format].label;
}

/** For a download's file name: `Villa Serena 9x16.mp4`. */
export function downloadName(title: string, format: VideoFormat | null): string {
  const base = title.replace(/[^\w -]+/g, '').trim() || 'villa-video';
  return `${base}${format ? ` ${VIDEO_FORMAT_SPECS[format].slug}` : ''}.mp4`;
}

/** Words for the pipeline's values, as a user reads them. */
export const CAMERA_MOTION_LABELS: Record<CameraMotion, string> = {
  dolly_in: 'Dolly in: glide towards the villa',
  dolly_out: 'Dolly out: pull back to reveal',
  dolly_left: 'Track left',
  dolly_right: 'Track right',
  jib_up: 'Crane up',
  jib_down: 'Crane down',
  static: 'Locked off (no camera move)',
  focus_shift: 'Focus pull',
};

/** "golden-hour.mp3" → "Golden Hour": new files in the shared list get a name without code changes. */
export function musicLabel(file: string): string {
  const words = file.replace(/\.[a-z0-9]+$/i, '').split(/[-_ ]+/).filter(Boolean);
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
}

export const STAGES: Array<{ status: JobStatus; label: string }> = [
  { status: 'pending_upload', label: 'Photo uploaded' },
  { status: 'queued', label: 'In the queue' },
  { status: 'generating', label: 'Filming the camera move' },
  { status: 'rendering', label: 'Adding titles and music' },
  { status: 'completed', label: 'Ready' },
];

export const STATUS_WORDS: Record<JobStatus, string> = {
  pending_upload: 'Waiting for the photo',
  queued: 'In the queue',
  generating: 'Filming the camera move',
  rendering: 'Adding titles and music',
  completed: 'Your video is ready',
  failed: 'The video could not be made',
};
