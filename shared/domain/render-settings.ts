/**
 * How the template's frames become the deliverable, passed to Remotion by both renderers (local
 * `renderMedia`, Lambda `renderMediaOnLambda`), so a video made on a laptop and one made in AWS come
 * from the same settings; per-format renders reuse them. Chosen by measurement (`npm run bench:render`
 * side by side on one 1080p clip, `npm run bench` for the 6 s job; figures in the README,
 * "Performance"), against the settings before them: Remotion's defaults (JPEG frames at quality 80,
 * x264 preset medium, CRF 18, half the cores). The clip itself is drawn with @remotion/media's <Video>
 * (remotion/villa-video.tsx), which takes about 40 % less CPU per 1080p frame than <OffthreadVideo>.
 *
 * Measured and not taken: PNG frames (a third more CPU per frame); x264 `superfast`/`ultrafast`
 * (10-20 % less CPU than `veryfast` for a file 1.6-2.5 times larger); two tabs at once on two cores
 * (`concurrency` 2: two thirds more CPU, slower); a bigger frame cache; the clip re-encoded with a
 * keyframe every second or every frame (no gain, and the re-encode costs seconds); Chromium without
 * Debian's wrapper flags (same) or with SwiftShader GL (2.6 times the CPU).
 */
export const VIDEO_ENCODING = {
  codec: 'h264',
  audioCodec: 'aac',
  /**
   * Chromium's screenshots reach FFmpeg as JPEG (PNG costs a third more CPU per frame). Quality 95
   * rather than Remotion's 80: the same CPU, a picture closer to lossless PNG frames (SSIM 0.991
   * against 0.988) and a file about a quarter smaller, since x264 no longer spends bits on JPEG's
   * block noise.
   */
  imageFormat: 'jpeg',
  jpegQuality: 95,
  /**
   * `veryfast` spends about a third less CPU per frame than `medium` at the same CRF (the same
   * quality target) for a file of the same size here.
   */
  x264Preset: 'veryfast',
  crf: 18,
} as const;

/** The poster: one still, at the template's poster frame (video-template-timeline.ts). */
export const POSTER_ENCODING = {
  imageFormat: 'jpeg',
  jpegQuality: 86,
} as const;
