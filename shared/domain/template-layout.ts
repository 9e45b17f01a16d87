/**
 * The template's layout per format, as numbers the composition (remotion/villa-video.tsx) draws by:
 * where the title block sits, how big the type is, how the clip is framed. Every length is a
 * multiple of `unit` (a hundredth of the frame's shorter side) or a share of the frame, so a test
 * render at 1/6 scale is the full-size picture, smaller. The text block is anchored to the bottom
 * left of the format's safe area (safe-areas.ts), inset by a gutter; it grows upwards as the title
 * wraps. Browser-safe, no I/O.
 */
import { ValidationError } from './errors';
import { SAFE_AREAS } from './safe-areas';
import { VIDEO_FORMATS, VIDEO_FORMAT_SPECS, isVideoFormat, type VideoFormat } from './video-formats';

interface FormatTypography {
  /** Added to each safe inset, in units: text never touches the edge of the safe area. */
  gutter: number;
  /**
   * Added below, in units: more air under the text, and room for the entrance, which starts the
   * title 4 units and the subtitle 3 units lower, so even that motion stays inside the safe area.
   */
  bottomExtra: number;
  /** Title and subtitle type sizes, in units. */
  title: number;
  subtitle: number;
  /** Characters of title that fit one line at full size; longer titles shrink (to 60 %) before wrapping further. */
  titleCharsPerLine: number;
  /** The text block's width, as a share of the room between the side insets. */
  maxWidthShare: number;
  /** How far up the frame the darkening gradient behind the text reaches, as a share of the height. */
  scrimReach: number;
}

/**
 * 16:9 keeps the look it had before formats (title 8.2 units, bottom padding 10 units, 78 % wide).
 * The vertical and feed shapes are narrower for the same unit, so the type is a little larger
 * relative to the frame (it is read on a phone held at arm's length) and the block uses the full
 * width of the safe area.
 */
const TYPOGRAPHY: Record<VideoFormat, FormatTypography> = {
  '16:9': { gutter: 1, bottomExtra: 3.6, title: 8.2, subtitle: 2.7, titleCharsPerLine: 26, maxWidthShare: 0.78, scrimReach: 0.55 },
  '9:16': { gutter: 1, bottomExtra: 4, title: 9.6, subtitle: 3.4, titleCharsPerLine: 14, maxWidthShare: 1, scrimReach: 0.62 },
  '4:5': { gutter: 2, bottomExtra: 3, title: 9, subtitle: 3, titleCharsPerLine: 16, maxWidthShare: 1, scrimReach: 0.6 },
  '1:1': { gutter: 2, bottomExtra: 3, title: 8.6, subtitle: 2.9, titleCharsPerLine: 17, maxWidthShare: 1, scrimReach: 0.6 },
};

export interface TemplateLayout {
  /** A hundredth of the frame's shorter side, pixels: every length below is a multiple of it. */
  unit: number;
  /** Padding of the box the text block sits in (bottom left), pixels. */
  padding: { top: number; right: number; bottom: number; left: number };
  /** Width of the text block as a CSS percentage of that box. */
  maxWidth: string;
  titleFontSize: number;
  subtitleFontSize: number;
  titleCharsPerLine: number;
  scrimReach: number;
}

export function templateLayout(format: VideoFormat, width: number, height: number): TemplateLayout {
  const t = TYPOGRAPHY[format];
  const s = SAFE_AREAS[format];
  const unit = Math.min(width, height) / 100;
  const gutter = t.gutter * unit;
  return {
    unit,
    padding: {
      top: s.top * height + gutter,
      right: s.right * width + gutter,
      bottom: s.bottom * height + gutter + t.bottomExtra * unit,
      left: s.left * width + gutter,
    },
    maxWidth: `${t.maxWidthShare * 100}%`,
    titleFontSize: t.title * unit,
    subtitleFontSize: t.subtitle * unit,
    titleCharsPerLine: t.titleCharsPerLine,
    scrimReach: t.scrimReach,
  };
}

/** Long titles shrink (down to 60 %) rather than running to many lines. */
export function titleScale(title: string, charsPerLine: number): number {
  return title.length <= charsPerLine ? 1 : Math.max(0.6, Math.sqrt(charsPerLine / title.length));
}

/**
 * Where the clip is anchored when the frame crops it (CSS object-position, shares of the overflow).
 * 4:5 and 1:1 are cut from the 9:16 portrait clip, keeping its full width and losing height: the
 * centre keeps the point LTX's camera moves are built around (a dolly in or out converges on the
 * frame's centre, a jib or pan passes through it), so the move's subject stays in the crop and the
 * motion reads the same. 16:9 and 9:16 fill their clip exactly and crop nothing.
 */
export const CLIP_FOCAL_POINT = { x: 0.5, y: 0.5 } as const;

/**
 * Refuses a format that is not one of ours, and a render size whose shape is not the format's. Sizes
 * are scaled and rounded to even pixels (renderSizeFor), which moves each side by at most one pixel:
 * `w/h = W/H` within that rounding is `|w*H - h*W| <= W + H`.
 */
export function checkFormatAndSize(format: unknown, width: number, height: number): asserts format is VideoFormat {
  if (!isVideoFormat(format)) {
    throw new ValidationError('props.format', `props.format must be one of ${VIDEO_FORMATS.join(', ')}, received ${JSON.stringify(format) ?? String(format)}`);
  }
  const spec = VIDEO_FORMAT_SPECS[format];
  if (Math.abs(width * spec.height - height * spec.width) > spec.width + spec.height) {
    throw new ValidationError(
      'width',
      `width x height ${width}x${height} is not the shape of props.format ${format} (${spec.width}x${spec.height} or that scaled, each side rounded to even pixels)`,
    );
  }
}
