import type { ComponentType } from 'react';
import { Composition, Html5Video, OffthreadVideo } from 'remotion';
import { RemotionRoot, calculateMetadata, defaultProps, type Props } from '../../../remotion/root';
import { TitleCard, VillaVideoLayout, type ClipLayer } from '../../../remotion/villa-video';
import { DEFAULT_FPS, durationInFramesFor } from '../../../shared/domain/video-template-timeline';
import { VIDEO_FORMAT_SPECS } from '../../../shared/domain/video-formats';
import { BENCH_COMPOSITIONS } from './ids';

/**
 * The bench's own bundle: the production composition (`VillaVideo`, registered by remotion/root.tsx
 * exactly as the deployed site has it), the same layout drawing the clip the other ways Remotion
 * offers, and the title card alone (transparent) for the FFmpeg reference. Only the bench renders
 * these; the product has one composition.
 */
const fill = { width: '100%', height: '100%', objectFit: 'cover' } as const;

/** The clip as the template drew it before the render-speed work: Remotion's compositor extracts each frame outside the browser and hands it over as a BMP. */
const OffthreadClip: ClipLayer = ({ src }) => <OffthreadVideo src={src} muted style={fill} />;
/** Chromium's own <video> element: not frame-exact (Remotion's docs), measured for completeness. */
const Html5Clip: ClipLayer = ({ src }) => <Html5Video src={src} muted style={fill} />;

function layoutWith(Clip: ClipLayer): ComponentType<Props> {
  return ((props: Props) => <VillaVideoLayout {...props} Clip={Clip} />) as ComponentType<Props>;
}

const shape = {
  width: VIDEO_FORMAT_SPECS['16:9'].width,
  height: VIDEO_FORMAT_SPECS['16:9'].height,
  fps: DEFAULT_FPS,
  durationInFrames: durationInFramesFor(defaultProps.clipDurationSeconds, DEFAULT_FPS),
  defaultProps,
  calculateMetadata,
};

export function BenchRoot() {
  return (
    <>
      <RemotionRoot />
      <Composition id={BENCH_COMPOSITIONS.offthread} component={layoutWith(OffthreadClip)} {...shape} />
      <Composition id={BENCH_COMPOSITIONS.html5} component={layoutWith(Html5Clip)} {...shape} />
      <Composition id={BENCH_COMPOSITIONS.titleCard} component={TitleCard as ComponentType<Props>} {...shape} />
    </>
  );
}
