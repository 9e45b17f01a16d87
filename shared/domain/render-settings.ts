/**
 * How the template's frames become the deliverable, passed to Remotion by both renderers (local
 * `renderMedia`, Lambda `renderMediaOnLambda`), so a video made on a laptop and one made in AWS come
 * from the same settings. Chosen by measurement (`npm run bench:render`, `npm run bench`; README,
 * "Performance"), against the settings before them: Remotion's defaults (JPEG frames at quality 80,
 * x264 preset medium, CRF 18).
 */
export const VIDEO_ENCODING = {
  codec: 'h264',
  audioCodec: 'aac',
  /**
   * Chromium's screenshots reach FFmpeg as JPEG: PNG costs several times more to encode and decode
   * for no visible gain once x264 has compressed the frame; 80 is Remotion's default and its loss is
   * below x264's at CRF 18.
   */
  imageFormat: 'jpeg',
  jpegQuality: 80,
  /**
   * `veryfast` spends about a third of `medium`'s CPU per frame at the same CRF (same quality target;
   * the file comes out a little larger). Remotion itself makes it the Lambda default in v5.
   */
  x264Preset: 'veryfast',
  crf: 18,
} as const;

/** The poster: one still, at the template's poster frame (video-template-timeline.ts). */
export const POSTER_ENCODING = {
  imageFormat: 'jpeg',
  jpegQuality: 86,
} as const;
