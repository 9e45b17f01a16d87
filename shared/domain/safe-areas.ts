/**
 * Where text may sit in each format: the part of the frame that the platforms showing that shape do
 * not cover with their own interface (or crop away). The template lays title and subtitle out
 * inside these rectangles (template-layout.ts) and a test measures the rendered text's pixels
 * against them (test/remotion/render-local.test.ts). Browser-safe, no I/O.
 *
 * Insets are shares of the frame's height (top, bottom) and width (left, right). Where the
 * platforms disagree we take the larger inset, since one file is posted to all of them. The numbers
 * are the ones the platforms' own templates and the guides that copy them give (2025-2026); the
 * interfaces change, so these are working margins, not promises.
 */
import type { VideoFormat } from './video-formats';

export interface SafeAreaInsets {
  /** Shares of the frame, 0..1: top and bottom of the height, left and right of the width. */
  top: number;
  right: number;
  bottom: number;
  left: number;
  /** Where the numbers come from. */
  source: string;
}

export const SAFE_AREAS: Record<VideoFormat, SafeAreaInsets> = {
  '9:16': {
    // Reels/Stories: the top 14 % (250 of 1920 px: account name, "Reels" header, close button) and
    // the bottom 20 % (about 340-420 px: caption, account, audio ticker, progress bar; Meta's Stories
    // template, TikTok's "lower 20 %" where the caption sits). Sides: Meta's 6 %; on the right, TikTok's
    // action column (like, comment, share, save: about 170 of 1080 px), 16 %. Meta asks ads for a
    // bottom 35 % (the ad's CTA button); organic posts, which these are, do not carry that button.
    top: 0.14,
    bottom: 0.2,
    left: 0.06,
    right: 0.16,
    source: 'Meta Reels/Stories safe zones (top 14 %, bottom 20 % organic, sides 6 %); TikTok safe-zone overlay (right action column ~170/1080 px, caption band in the lower 20 %)',
  },
  '4:5': {
    // Instagram/Facebook feed: nothing is drawn over a feed video but the mute and tag icons in the
    // corners; 64 of 1080 px on every side (Meta's feed template, about 6 %) also keeps text inside the
    // profile grid's 3:4 crop of a 4:5 post (3.1 % off each side).
    top: 0.06,
    bottom: 0.06,
    left: 0.06,
    right: 0.06,
    source: 'Meta feed 4:5 template (64 px of 1080 on every side); Instagram profile grid crops 4:5 to 3:4',
  },
  '1:1': {
    top: 0.06,
    bottom: 0.06,
    left: 0.06,
    right: 0.06,
    source: 'Meta feed template, as for 4:5 (64 px of 1080 on every side)',
  },
  '16:9': {
    // Broadcast title-safe, 90 % of each side (EBU R 95, SMPTE ST 2046-1); YouTube draws its controls
    // over the bottom only while the pointer hovers, and the template's text sits well above them.
    top: 0.05,
    bottom: 0.05,
    left: 0.05,
    right: 0.05,
    source: 'Title-safe area, 90 % of width and height (EBU R 95 / SMPTE ST 2046-1)',
  },
};

export interface PixelRect {
  /** Left and top edges (inclusive) and right and bottom edges (exclusive), in pixels. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The safe rectangle of a `width` x `height` frame of `format`, in pixels. */
export function safeRect(format: VideoFormat, width: number, height: number): PixelRect {
  const s = SAFE_AREAS[format];
  return { x0: s.left * width, y0: s.top * height, x1: width * (1 - s.right), y1: height * (1 - s.bottom) };
}
