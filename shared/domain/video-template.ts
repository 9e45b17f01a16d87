/** The video template's contract: what the Remotion composition (remotion/) takes, named once for both renderers. */
import type { VideoFormat } from './video-formats';

/** Input props of the `VillaVideo` composition (remotion/). Must stay JSON-serialisable. */
export interface VillaVideoProps {
  /** URL the renderer can fetch the LTX clip from (a presigned GET locally and in AWS). */
  clipUrl: string;
  title: string;
  subtitle: string;
  /** One of MUSIC_FILES (music.ts), served from the template's public folder. */
  musicFile: string;
  /** Clip length in seconds; the video is exactly as long as the clip. */
  clipDurationSeconds: number;
  /**
   * The shape laid out for (title, subtitle, safe areas: template-layout.ts). The composition's size
   * follows it in Studio; a render's width and height must have its shape (any scale), and the clip
   * must be the one of its orientation (VIDEO_FORMAT_SPECS[format].orientation).
   */
  format: VideoFormat;
}

export const COMPOSITION_ID = 'VillaVideo';
