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
  /** The output format this render lays out for; its size is the render's width and height. */
  format: VideoFormat;
}

export const COMPOSITION_ID = 'VillaVideo';
