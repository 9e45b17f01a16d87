import type { ComponentType } from 'react';
import { Composition, type CalculateMetadataFunction } from 'remotion';
import { DEFAULT_MUSIC_FILE, MUSIC_FILES, isMusicFile } from '../shared/domain/music';
import { COMPOSITION_ID, type VillaVideoProps } from '../shared/domain/video-template';
import { DEFAULT_FPS, durationInFramesFor } from '../shared/domain/video-template-timeline';
import { VIDEO_FORMATS, VIDEO_FORMAT_SPECS, isVideoFormat } from '../shared/domain/video-formats';
import { VillaVideo } from './villa-video';

export type Props = VillaVideoProps & Record<string, unknown>;

export const defaultProps: Props = {
  clipUrl: '',
  title: 'Villa Serena',
  subtitle: 'Sea views · Infinity pool · Five bedrooms',
  musicFile: DEFAULT_MUSIC_FILE,
  clipDurationSeconds: 6,
  format: '16:9',
};

/**
 * The video is exactly as long as the clip, and has the delivered size of its format (so Studio shows
 * the 9:16 layout at 1080x1920 when the props say 9:16). Renders set their own width and height (a
 * test renders at 1/6 scale) of the same shape; the composition checks the shape. Props are checked
 * here too: a bad one fails the render, not a frame.
 */
export const calculateMetadata: CalculateMetadataFunction<Props> = ({ props }) => {
  const seconds = props.clipDurationSeconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 120) {
    throw new Error(`clipDurationSeconds must be a number in (0, 120], received ${JSON.stringify(seconds)}`);
  }
  if (!isMusicFile(props.musicFile)) {
    throw new Error(`musicFile must be one of ${MUSIC_FILES.join(', ')}, received ${JSON.stringify(props.musicFile)}`);
  }
  if (!isVideoFormat(props.format)) {
    throw new Error(`format must be one of ${VIDEO_FORMATS.join(', ')}, received ${JSON.stringify(props.format)}`);
  }
  const { width, height } = VIDEO_FORMAT_SPECS[props.format];
  return { durationInFrames: durationInFramesFor(seconds, DEFAULT_FPS), width, height };
};

export function RemotionRoot() {
  return (
    <Composition
      id={COMPOSITION_ID}
      component={VillaVideo as ComponentType<Props>}
      width={VIDEO_FORMAT_SPECS[defaultProps.format].width}
      height={VIDEO_FORMAT_SPECS[defaultProps.format].height}
      fps={DEFAULT_FPS}
      durationInFrames={durationInFramesFor(defaultProps.clipDurationSeconds, DEFAULT_FPS)}
      defaultProps={defaultProps}
      calculateMetadata={calculateMetadata}
    />
  );
}
