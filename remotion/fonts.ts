import { loadFont } from '@remotion/fonts';
import { staticFile } from 'remotion';

/**
 * The template's typefaces, from woff2 files in remotion/public/fonts (OFL, licences beside them):
 * nothing is fetched from the internet at render time. `loadFont` holds the render (delayRender)
 * until each face is ready, so no frame is drawn with a fallback font.
 */
export const TITLE_FONT_FAMILY = 'Playfair Display';
export const BODY_FONT_FAMILY = 'Inter';

let loading: Promise<unknown> | null = null;

export function loadTemplateFonts(): Promise<unknown> {
  loading ??= Promise.all([
    loadFont({ family: TITLE_FONT_FAMILY, url: staticFile('fonts/playfair-display-latin-600-normal.woff2'), weight: '600', style: 'normal' }),
    loadFont({ family: BODY_FONT_FAMILY, url: staticFile('fonts/inter-latin-400-normal.woff2'), weight: '400', style: 'normal' }),
    loadFont({ family: BODY_FONT_FAMILY, url: staticFile('fonts/inter-latin-500-normal.woff2'), weight: '500', style: 'normal' }),
  ]);
  return loading;
}
