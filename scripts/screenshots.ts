/**
 * `npm run screenshots [-- --formats 16:9,9:16,4:5] [--out DIR]`: the README's pictures of a
 * multi-format job. Opens the demo page in Chromium (the machine's, through playwright-core) on the
 * running stack (`npm start`) or on one it starts, makes a job from the sample photo in the formats
 * asked for (default 16:9, 9:16, 4:5), waits for it to finish, and writes to docs/screenshots/ (or --out):
 *
 *   formats-page.png         the whole page: the form with the formats picked, every result in its shape
 *   formats-phone.png        the same job's results on a 390 px phone screen
 *   format-16x9.png, …       each result alone (its frame at 2.5 s, its label and download)
 *
 * Not part of `npm test`: it renders at the stack's size (full size unless the stack says otherwise),
 * which takes minutes. Exits 1 when a format asked for was not made (the page's reason is printed).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { VIDEO_FORMAT_SPECS, VIDEO_FORMATS, type VideoFormat } from '../shared/domain/video-formats';
import { FORMATS_OPTION_USAGE, formatsArgsOrExit } from '../local/formats-args';
import { loadLocalStackSettings } from '../local/local-stack-settings';
import { runningOrNewStack } from '../local/running-or-new-stack';

const USAGE = `Usage: npm run screenshots -- [--formats 16:9,9:16,4:5] [--out docs/screenshots]

${FORMATS_OPTION_USAGE} (default: 16:9,9:16,4:5)
  --out DIR        where the PNGs go (default: docs/screenshots)
  --help           this text`;
const DEFAULT_SHOT_FORMATS: VideoFormat[] = ['16:9', '9:16', '4:5'];
const JOB_TIMEOUT_MS = 30 * 60_000;
const say = (line: string) => process.stderr.write(`${line}\n`);

const args = formatsArgsOrExit(process.argv.slice(2), USAGE, say);
const formats = args.formats ?? DEFAULT_SHOT_FORMATS;
const outDir = resolve(args.out ?? 'docs/screenshots');

/** Pauses every result at 2.5 s (titles in, camera moving) once its frame is decoded, so the shots show the video, not a spinner. */
async function settleVideos(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const videos = [...document.querySelectorAll<HTMLVideoElement>('[data-testid="outputs"] video')];
    await Promise.all(
      videos.map(
        (v) =>
          new Promise<void>((done) => {
            const timer = setTimeout(done, 15_000);
            v.muted = true;
            v.addEventListener('seeked', () => { clearTimeout(timer); done(); }, { once: true });
            v.currentTime = Math.min(2.5, (v.duration || 5) / 2);
          }),
      ),
    );
  });
}

const stack = await runningOrNewStack(loadLocalStackSettings(), say);
let browser: Browser | undefined;
let missing = 0;
try {
  await mkdir(outDir, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.REMOTION_BROWSER_EXECUTABLE || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(stack.info.webUrl);
  await page.getByText(/Guest|Signed in/).first().waitFor();
  await page.locator('input[type="file"]').setInputFiles({ name: 'villa.jpg', mimeType: 'image/jpeg', buffer: await readFile(resolve('remotion/public/sample/villa.jpg')) });
  await page.getByLabel('Title', { exact: true }).fill('Villa Serena');
  await page.getByLabel('Subtitle').fill('Your private sanctuary by the sea');
  for (const f of VIDEO_FORMATS) await page.getByLabel(VIDEO_FORMAT_SPECS[f].label).setChecked(formats.includes(f));
  say(`Making a job in ${formats.join(', ')} on ${stack.info.webUrl} (full-size renders take minutes)…`);
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Create video' }).click();
  const outcome = await Promise.race([
    page.getByTestId('outputs').waitFor({ timeout: JOB_TIMEOUT_MS }).then(() => 'done' as const),
    page.getByTestId('job-error').waitFor({ timeout: JOB_TIMEOUT_MS }).then(() => 'failed' as const),
  ]);
  if (outcome === 'failed') throw new Error(`the job failed: ${await page.getByTestId('job-error').locator('p').first().textContent()}`);
  say(`Finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  await settleVideos(page);
  await page.screenshot({ path: join(outDir, 'formats-page.png'), fullPage: true });
  say(`wrote ${join(outDir, 'formats-page.png')}`);
  for (const f of formats) {
    const output = page.locator(`.output[data-format="${f}"]`);
    if ((await output.count()) === 0) {
      missing += 1;
      const reason = await page.locator(`[data-testid="format-failures"] li[data-format="${f}"]`).textContent().catch(() => null);
      say(`no ${f} video: ${reason ?? 'the job did not make it'}`);
      continue;
    }
    const file = join(outDir, `format-${VIDEO_FORMAT_SPECS[f].slug}.png`);
    await output.screenshot({ path: file });
    say(`wrote ${file}`);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await settleVideos(page);
  await page.getByTestId('outputs').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(outDir, 'formats-phone.png') });
  say(`wrote ${join(outDir, 'formats-phone.png')}`);
  await context.close();
  if (missing > 0) process.exitCode = 1;
} catch (err) {
  say(`screenshots failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await stack.stop();
}
process.exit(process.exitCode ?? 0);
