import { cancelRender, continueRender, delayRender, staticFile } from 'remotion';

/**
 * The template's typefaces, from woff2 files in remotion/public/fonts (OFL, licences beside them):
 * nothing is fetched from the internet at render time. Each face is loaded with the FontFace API
 * while the render is held (delayRender), so no frame is drawn with a fallback font.
 */
export const TITLE_FONT_FAMILY = 'Playfair Display';
export const BODY_FONT_FAMILY = 'Inter';

const FACES = [
  { family: TITLE_FONT_FAMILY, file: 'fonts/playfair-display-latin-600-normal.woff2', weight: '600' },
  { family: BODY_FONT_FAMILY, file: 'fonts/inter-latin-400-normal.woff2', weight: '400' },
  { family: BODY_FONT_FAMILY, file: 'fonts/inter-latin-500-normal.woff2', weight: '500' },
] as const;

let loading: Promise<void> | null = null;

export function loadTemplateFonts(): Promise<void> {
  if (loading === null) {
    const handle = delayRender('Loading the template fonts');
    loading = Promise.all(
      FACES.map(async ({ family, file, weight }) => {
        const face = new FontFace(family, `url(${staticFile(file)}) format('woff2')`, { weight, style: 'normal' });
        document.fonts.add(await face.load());
      }),
    ).then(
      () => continueRender(handle),
      (err: unknown) => cancelRender(err instanceof Error ? err : new Error(String(err))),
    );
  }
  return loading;
}
