import type { ComponentType, CSSProperties } from 'react';
import { Video } from '@remotion/media';
import { AbsoluteFill, Audio, Img, interpolate, spring, staticFile, useCurrentFrame, useVideoConfig } from 'remotion';
import type { VillaVideoProps } from '../shared/domain/video-template';
import { BODY_FONT_FAMILY, TITLE_FONT_FAMILY, loadTemplateFonts } from './fonts';
import { musicFades, titleTimeline } from '../shared/domain/video-template-timeline';

loadTemplateFonts();

const ACCENT = '#E8C07D';
/** The beds are mastered around -17 dBFS RMS; this sits them about 3 dB lower, under a voice-over level. */
const MUSIC_VOLUME = 0.7;
const clamp = { extrapolateLeft: 'clamp', extrapolateRight: 'clamp' } as const;

/** Long titles shrink (down to 60 %) rather than running to three lines. */
function titleScale(title: string): number {
  return title.length <= 26 ? 1 : Math.max(0.6, Math.sqrt(26 / title.length));
}

/** How the clip is drawn, full frame (cover). */
export type ClipLayer = ComponentType<{ src: string }>;

/**
 * `@remotion/media`'s <Video>: Mediabunny reads the clip with range requests and the tab decodes it
 * with WebCodecs onto a canvas. Measured against <OffthreadVideo> (Remotion's compositor decoding
 * outside the browser and handing each frame over as a BMP image) it takes about 40 % less CPU per
 * 1080p frame for the same picture (README, "Performance"). The clip is fetched from the page, so
 * its URL must answer CORS for the page's origin (on Lambda the Remotion site's: the bucket's second
 * CORS rule in infra/bucket.ts; the local S3 server allows any origin). No fallback to <OffthreadVideo>: a clip it cannot read fails the render
 * with Remotion's reason instead of silently rendering at the old speed.
 */
export const MediaClip: ClipLayer = ({ src }) => (
  <Video src={src} muted objectFit="cover" style={{ width: '100%', height: '100%' }} disallowFallbackToOffthreadVideo />
);

/** The clip, full frame. Without a clip URL (Studio preview) the sample photo stands in, slowly zooming. */
function Background({ clipUrl, Clip }: { clipUrl: string; Clip: ClipLayer }) {
  const frame = useCurrentFrame();
  const { durationInFrames } = useVideoConfig();
  const fill: CSSProperties = { width: '100%', height: '100%', objectFit: 'cover' };
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
export function VillaVideoLayout({ clipUrl, title, subtitle, musicFile, Clip }: VillaVideoProps & { Clip: ClipLayer }) {
  return (
    <AbsoluteFill style={{ backgroundColor: 'black' }}>
      <Background clipUrl={clipUrl} Clip={Clip} />
      <TitleCard title={title} subtitle={subtitle} musicFile={musicFile} />
    </AbsoluteFill>
  );
}

/**
 * Everything drawn over the clip: the scrim, title and subtitle with their entrance and exit, the
 * fade from and to black, and the music. Transparent elsewhere.
 */
export function TitleCard({ title, subtitle, musicFile }: Pick<VillaVideoProps, 'title' | 'subtitle' | 'musicFile'>) {
  const frame = useCurrentFrame();
  const { fps, durationInFrames, width, height } = useVideoConfig();
  const t = titleTimeline(durationInFrames, fps);
  const { fadeIn, fadeOut } = musicFades(durationInFrames, fps);

  // Sizes follow the frame's height (and width for long lines), so 320x180 and 3840x2160 match.
  const unit = Math.min(height, (width * 9) / 16) / 100;
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
          background: 'linear-gradient(to top, rgba(8,6,4,0.7) 0%, rgba(8,6,4,0.38) 26%, rgba(8,6,4,0) 55%), linear-gradient(to right, rgba(8,6,4,0.3) 0%, rgba(8,6,4,0) 55%)',
          opacity: title === '' && subtitle === '' ? 0 : 0.25 + 0.75 * Math.max(titleOpacity, subtitleOpacity),
        }}
      />
      <AbsoluteFill style={{ justifyContent: 'flex-end', padding: `0 ${unit * 10}px ${unit * 10}px ${unit * 9}px` }}>
        <div style={{ maxWidth: '78%', transform: `translateY(${lift}px)` }}>
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
              fontSize: unit * 8.2 * titleScale(title),
              lineHeight: 1.08,
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
                fontSize: unit * 2.7,
                lineHeight: 1.35,
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
