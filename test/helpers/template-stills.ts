import { openBrowser, renderStill, selectComposition } from '@remotion/renderer';
import { remotionBrowserOptions, resolveBrowserExecutable } from '../../remotion/browser-executable';
import { bundleTemplate } from '../../remotion/render-local';
import { COMPOSITION_ID, type VillaVideoProps } from '../../shared/domain/video-template';
import { durationInFramesFor } from '../../shared/domain/video-template-timeline';

/**
 * Renders single frames of the production composition (the bundle the local renderer uses) as
 * lossless PNG, in one browser kept open across calls: for tests that measure pixels of a frame
 * without paying for a whole video. `close()` ends the browser.
 */
export async function openTemplateStills(): Promise<{
  still: (input: { props: VillaVideoProps; width: number; height: number; fps: number; frame: number; out: string }) => Promise<void>;
  close: () => Promise<void>;
}> {
  const browserOptions = remotionBrowserOptions(resolveBrowserExecutable(undefined));
  const serveUrl = await bundleTemplate();
  const browser = await openBrowser('chrome', { ...browserOptions, logLevel: 'error' });
  return {
    async still({ props, width, height, fps, frame, out }) {
      const inputProps = { ...props };
      const selected = await selectComposition({ serveUrl, id: COMPOSITION_ID, inputProps, puppeteerInstance: browser, ...browserOptions, logLevel: 'error' });
      const composition = { ...selected, width, height, fps, durationInFrames: durationInFramesFor(props.clipDurationSeconds, fps) };
      await renderStill({ serveUrl, composition, inputProps, frame, output: out, imageFormat: 'png', puppeteerInstance: browser, ...browserOptions, logLevel: 'error' });
    },
    close: () => browser.close({ silent: true }).catch(() => {}),
  };
}
