import type { ComponentType } from 'react';
import { Composition, type CalculateMetadataFunction } from 'remotion';
import { DEFAULT_MUSIC_FILE, MUSIC_FILES, isMusicFile } from '../shared/domain/music';
import { COMPOSITION_ID, type VillaVideoProps } from '../shared/domain/video-template';
import { DEFAULT_FPS, DEFAULT_HEIGHT, DEFAULT_WIDTH, durationInFramesFor } from '../shared/domain/video-template-timeline';
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

/** The video is exactly as long as the clip. Props are checked here too: a bad one fails the render, not a frame. */
export const calculateMetadata: CalculateMetadataFunction<Props> = ({ props }) => {
  const seconds = props.clipDurationSeconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 120) {
    throw new Error(`clipDurationSeconds must be a number in (0, 120], received ${JSON.stringify(seconds)}`);
  }
  if (!isMusicFile(props.musicFile)) {
    throw new Error(`musicFile must be one of ${MUSIC_FILES.join(', ')}, received ${JSON.stringify(props.musicFile)}`);
  }
  return { durationInFrames: durationInFramesFor(seconds, DEFAULT_FPS) };
};

export function RemotionRoot() {
  return (
    <Composition
      id={COMPOSITION_ID}
      component={VillaVideo as ComponentType<Props>}
      width={DEFAULT_WIDTH}
      height={DEFAULT_HEIGHT}
      fps={DEFAULT_FPS}
      durationInFrames={durationInFramesFor(defaultProps.clipDurationSeconds, DEFAULT_FPS)}
      defaultProps={defaultProps}
      calculateMetadata={calculateMetadata}
    />
  );
}
