import { COMPOSITION_ID } from '../../../shared/domain/video-template';

/** Composition ids of the bench bundle (template/root.tsx); plain data, importable from Node. */
export const BENCH_COMPOSITIONS = {
  /** The production template, registered by remotion/root.tsx. */
  production: COMPOSITION_ID,
  /** Today's template before the render-speed work: the same layout with <OffthreadVideo>. */
  offthread: 'BenchOffthreadVideo',
  html5: 'BenchHtml5Video',
  titleCard: 'BenchTitleCard',
} as const;
