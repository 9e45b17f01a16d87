import type { ComponentType, CSSProperties } from 'react';
import { Video } from '@remotion/media';
import { AbsoluteFill, Audio, Img, interpolate, spring, staticFile, useCurrentFrame, useVideoConfig } from 'remotion';
import type { VillaVideoProps } from '../shared/domain/video-template';
import { BODY_FONT_FAMILY, TITLE_FONT_FAMILY, loadTemplateFonts } from './fonts';
import { musicFades, titleTimeline } from '../shared/domain/video-template-timeline';
import { CLIP_FOCAL_POINT, checkFormatAndSize, templateLayout, titleScale } from '../shared/domain/template-layout';

loadTemplateFonts();

const ACCENT = '#E8C07D';
/** The beds are mastered around -17 dBFS RMS; this sits them about 3 dB lower, under a voice-over level. */
const MUSIC_VOLUME = 0.7;
const clamp = { extrapolateLeft: 'clamp', extrapolateRight: 'clamp' } as const;

/** How the clip is drawn, full frame (cover, anchored at CLIP_FOCAL_POINT). */
export type ClipLayer = ComponentType<{ src: string }>;

/**
 * `@remotion/media`'s <Video>: Mediabunny reads the clip with range requests and the tab decodes it
 * with WebCodecs onto a canvas. Measured against <OffthreadVideo> (Remotion's compositor decoding
 * outside the browser and handing each frame over as a BMP image) it takes about 40 % less CPU per
 * 1080p frame for the same picture (README, "Performance"). The clip is fetched from the page, so
 * its URL must answer CORS for the page's origin (the bucket's second CORS rule, shared/domain/bucket-cors.ts:
 * on Lambda the Remotion site's origin, locally the renderer's page, remotion/local-page-origin.ts). No fallback to <OffthreadVideo>: a clip it cannot read fails the render
 * with Remotion's reason instead of silently rendering at the old speed.
 */
export const MediaClip: ClipLayer = ({ src }) => (
  <Video src={src} muted objectFit="cover" style={{ width: '100%', height: '100%', objectPosition: FOCAL_POSITION }} disallowFallbackToOffthreadVideo />
);

/** CSS object-position of the clip (and the Studio's sample photo) when the frame crops it: template-layout.ts says why the centre. */
export const FOCAL_POSITION = `${CLIP_FOCAL_POINT.x * 100}% ${CLIP_FOCAL_POINT.y * 100}%`;

/** The clip, full frame. Without a clip URL (Studio preview) the sample photo stands in, slowly zooming. */
function Background({ clipUrl, Clip }: { clipUrl: string; Clip: ClipLayer }) {
  const frame = useCurrentFrame();
  const { durationInFrames } = useVideoConfig();
  const fill: CSSProperties = { width: '100%', height: '100%', objectFit: 'cover', objectPosition: FOCAL_POSITION };
  if (clipUrl === '') {
    const zoom = interpolate(frame, [0, durationInFrames], [1, 1.08], clamp);
    return <Img src={staticFile('sample/villa.jpg')} style={{ ...fill, transform: `scale(${zoom})` }} />;
  }
  return <Clip src={clipUrl} />;
}

export function VillaVideo(props: VillaVideoProps) {
  return <VillaVideoLayout {...props} Clip={MediaClip} />;
}

/** The template's layers: black, the clip drawn by `Clip`, and the title card over it. */
export function VillaVideoLayout({ clipUrl, title, subtitle, musicFile, format, Clip }: VillaVideoProps & { Clip: ClipLayer }) {
  const { width, height } = useVideoConfig();
  // A size forced on the render (the request's width and height, Lambda's forceWidth) must have the
  // format's shape: a 9:16 layout squeezed into 16:9 would put text where the platform draws its controls.
  checkFormatAndSize(format, width, height);
  return (
    <AbsoluteFill style={{ backgroundColor: 'black' }}>
      <Background clipUrl={clipUrl} Clip={Clip} />
      <TitleCard title={title} subtitle={subtitle} musicFile={musicFile} format={format} />
    </AbsoluteFill>
  );
}

/**
 * Everything drawn over the clip: the scrim, title and subtitle with their entrance and exit, the
 * fade from and to black, and the music. Transparent elsewhere. Laid out for `format` inside its
 * safe area (template-layout.ts, safe-areas.ts).
 */
export function TitleCard({ title, subtitle, musicFile, format }: Pick<VillaVideoProps, 'title' | 'subtitle' | 'musicFile' | 'format'>) {
  const frame = useCurrentFrame();
  const { fps, durationInFrames, width, height } = useVideoConfig();
  const t = titleTimeline(durationInFrames, fps);
  const { fadeIn, fadeOut } = musicFades(durationInFrames, fps);

  // Every size is a multiple of the frame's shorter side, so 320x180 and 3840x2160 match.
  const layout = templateLayout(format, width, height);
  const { unit, padding } = layout;
  const enterTitle = spring({ frame: frame - t.enterStart, fps, durationInFrames: t.enterEnd - t.enterStart, config: { damping: 200 } });
  const enterSubtitle = spring({ frame: frame - t.enterStart - t.subtitleDelay, fps, durationInFrames: t.enterEnd - t.enterStart, config: { damping: 200 } });
  const exit = interpolate(frame, [t.exitStart, t.exitEnd], [0, 1], clamp);
  const titleOpacity = Math.min(enterTitle, 1 - exit);
  const subtitleOpacity = Math.min(enterSubtitle, 1 - exit);
  const lift = -exit * unit * 2;
  // Fade from and to black at the very ends, so the cut into and out of the video is soft.
  const fadeFrames = Math.max(1, Math.round(Math.min(0.4 * fps, durationInFrames * 0.06)));
  const black = durationInFrames > 2 * fadeFrames
    ? 1 - interpolate(frame, [0, fadeFrames, durationInFrames - fadeFrames, durationInFrames - 1], [0, 1, 1, 0], clamp)
    : 0;

  const volume = (f: number) =>
    interpolate(f, [0, fadeIn, Math.max(fadeIn + 1, durationInFrames - fadeOut), durationInFrames], [0, MUSIC_VOLUME, MUSIC_VOLUME, 0], clamp);

  return (
    <AbsoluteFill>
      {/* Scrim: darkens the lower left third only as much as the text needs, following the title in and out. */}
      <AbsoluteFill
        style={{
          background: `linear-gradient(to top, rgba(8,6,4,0.7) 0%, rgba(8,6,4,0.38) ${layout.scrimReach * 47}%, rgba(8,6,4,0) ${layout.scrimReach * 100}%), linear-gradient(to right, rgba(8,6,4,0.3) 0%, rgba(8,6,4,0) 55%)`,
          opacity: title === '' && subtitle === '' ? 0 : 0.25 + 0.75 * Math.max(titleOpacity, subtitleOpacity),
        }}
      />
      <AbsoluteFill style={{ justifyContent: 'flex-end', padding: `${padding.top}px ${padding.right}px ${padding.bottom}px ${padding.left}px` }}>
        <div style={{ maxWidth: layout.maxWidth, transform: `translateY(${lift}px)` }}>
          <div
            style={{
              width: unit * 9 * enterTitle * (1 - exit),
              height: Math.max(1, unit * 0.45),
              backgroundColor: ACCENT,
              marginBottom: unit * 2.4,
              opacity: titleOpacity,
            }}
          />
          <div
            style={{
              fontFamily: `'${TITLE_FONT_FAMILY}', Georgia, serif`,
              fontWeight: 600,
              fontSize: layout.titleFontSize * titleScale(title, layout.titleCharsPerLine),
              lineHeight: 1.08,
              // A word longer than the line (a URL, a name without spaces) breaks rather than leaving the safe area.
              overflowWrap: 'anywhere',
              color: '#FFFFFF',
              letterSpacing: `${(1 - enterTitle) * 0.04}em`,
              textShadow: `0 ${unit * 0.3}px ${unit * 2}px rgba(0,0,0,0.45)`,
              opacity: titleOpacity,
              transform: `translateY(${(1 - enterTitle) * unit * 4}px)`,
            }}
          >
            {title}
          </div>
          {subtitle === '' ? null : (
            <div
              style={{
                fontFamily: `'${BODY_FONT_FAMILY}', Helvetica, Arial, sans-serif`,
                fontWeight: 500,
                fontSize: layout.subtitleFontSize,
                lineHeight: 1.35,
                overflowWrap: 'anywhere',
                letterSpacing: '0.22em',
                textTransform: 'uppercase',
                color: 'rgba(255,255,255,0.9)',
                marginTop: unit * 2.2,
                textShadow: `0 ${unit * 0.2}px ${unit * 1.2}px rgba(0,0,0,0.5)`,
                opacity: subtitleOpacity,
                transform: `translateY(${(1 - enterSubtitle) * unit * 3}px)`,
              }}
            >
              {subtitle}
            </div>
          )}
        </div>
      </AbsoluteFill>
      {black > 0 ? <AbsoluteFill style={{ backgroundColor: 'black', opacity: black }} /> : null}
      <Audio src={staticFile(`music/${musicFile}`)} volume={volume} loop loopVolumeCurveBehavior="extend" />
    </AbsoluteFill>
  );
}
