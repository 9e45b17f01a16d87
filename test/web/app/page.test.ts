import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/stack';
import { VIDEO_FORMAT_SPECS } from '../../../shared/domain/video-formats';
import { finishWithFormats } from '../finish-with-formats';
import { SAMPLE_PHOTO, startTestStack } from '../stack-fixture';

/** The page's main states land here; docs/screenshots/ holds a copy the README links to. */
const SHOTS = join(tmpdir(), 'villa-video-screenshots');

let stack: LocalStack;
let browser: Browser;
let firstJobId = '';

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  stack = await startTestStack();
  // Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Opens the page in a new browser context (a new visitor) and waits until they are signed in. */
async function visit(viewport = { width: 1200, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: false });
  const page = await context.newPage();
  await page.goto(stack.info.webUrl);
  await page.getByText('Guest', { exact: false }).waitFor();
  return page;
}

/** Records every text the aria-live region announces, so the test can tell what a screen reader heard. */
async function recordAnnouncements(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __announced: string[] }).__announced = seen;
    setInterval(() => {
      const text = document.querySelector('[data-testid="live-status"]')?.textContent ?? '';
      if (text && seen.at(-1) !== text) seen.push(text);
    }, 50);
  });
  return () => page.evaluate(() => (window as unknown as { __announced: string[] }).__announced);
}

describe('the demo page', () => {
  it('signs a visitor in, refuses a text file, shows a failure with Retry, then the video plays', async () => {
    const page = await visit();
    const announced = await recordAnnouncements(page);
    await page.screenshot({ path: join(SHOTS, '1-start.png'), fullPage: true });

    const photoInput = page.locator('input[type="file"]');
    await photoInput.setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('these are my notes, not a photo') });
    const refusal = page.getByTestId('photo-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(
      "notes.jpg can't be used. The file is not a JPEG, PNG or WebP image (its content says otherwise, whatever its name). Upload a photo.",
    );
    await page.screenshot({ path: join(SHOTS, '2-refused-file.png'), fullPage: true });

    await photoInput.setInputFiles({ name: 'villa-small.jpg', mimeType: 'image/jpeg', buffer: await readFile(SAMPLE_PHOTO) });
    await refusal.waitFor({ state: 'detached' });
    await page.getByLabel('Title', { exact: true }).fill('Villa Serena');
    await page.getByLabel('Subtitle').fill('Your private sanctuary by the sea');
    await page.getByLabel('Camera move').selectOption('jib_up');
    await page.getByLabel('Music').selectOption('golden-hour.mp3');
    await page.getByLabel('6 s').check();
    // One format unless the user picks more: the landscape one.
    expect(await page.locator('input[name="formats"]:checked').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['16:9']);

    // LTX's safety filter refuses the first attempt: the page must say so and offer a retry.
    stack.ltx!.setFault({ kind: 'content_refusal', times: 1 });
    await page.getByRole('button', { name: 'Create video' }).click();
    const failure = page.getByTestId('job-error');
    await failure.waitFor({ timeout: 60_000 });
    expect(await failure.textContent()).toContain('refused this photo or its text under its content policy');
    await page.screenshot({ path: join(SHOTS, '3-failed-with-retry.png'), fullPage: true });

    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('progressbar', { name: 'Video progress' }).waitFor();
    await page.waitForFunction(() => /Filming the camera move|Adding titles and music/.test(document.querySelector('[data-testid="live-status"]')?.textContent ?? ''));
    await page.screenshot({ path: join(SHOTS, '4-in-progress.png'), fullPage: true });

    const video = page.getByTestId('result-video');
    await video.waitFor({ timeout: 150_000 });
    const played = await video.evaluate(async (el: HTMLVideoElement) => {
      el.muted = true;
      await el.play();
      await new Promise<void>((resolve) => {
        const check = () => (el.currentTime > 0.3 ? resolve() : requestAnimationFrame(check));
        check();
      });
      el.pause();
      return { duration: el.duration, poster: el.poster, src: el.currentSrc };
    });
    firstJobId = (await page.locator('[data-job-id]').first().getAttribute('data-job-id'))!;
    const row = await stack.clients.jobs.getGeneratedVideo(firstJobId);
    expect(row).toMatchObject({ title: 'Villa Serena', subtitle: 'Your private sanctuary by the sea', music_file: 'golden-hour.mp3', duration_seconds: 6 });
    expect(played.src).toBe(row!.video_url);
    expect(played.poster).toBe(row!.thumbnail_url);
    expect(Math.abs(played.duration - row!.duration_seconds)).toBeLessThan(0.5);
    expect(await page.getByRole('link', { name: 'Download 16:9 MP4' }).getAttribute('href')).toBe(row!.video_url);
    await video.evaluate((el: HTMLVideoElement) => { el.currentTime = 2.5; });
    await page.screenshot({ path: join(SHOTS, '5-finished-video.png'), fullPage: true });

    const heard = await announced();
    expect(heard.some((t) => t.startsWith('Uploading photo'))).toBe(true);
    expect(heard.some((t) => t.startsWith('Failed: The video generation service refused this photo'))).toBe(true);
    expect(heard.some((t) => /(Filming the camera move|Adding titles and music), \d+ percent/.test(t))).toBe(true);
    await page.context().close();
  }, 240_000);

  it('asks for the formats picked, shows each video in its own shape with its download, and says which format failed and why', async () => {
    expect(firstJobId).not.toBe('');
    const media = (await stack.clients.jobs.getGeneratedVideo(firstJobId))!;
    const page = await visit();
    await page.locator('input[type="file"]').setInputFiles({ name: 'villa-small.jpg', mimeType: 'image/jpeg', buffer: await readFile(SAMPLE_PHOTO) });
    await page.getByLabel('Title', { exact: true }).fill('Villa Formats');

    // No format at all is refused on the page, before anything is sent.
    await page.getByLabel(VIDEO_FORMAT_SPECS['16:9'].label).uncheck();
    await page.getByRole('button', { name: 'Create video' }).click();
    await page.getByText('Pick at least one format.').waitFor();

    for (const f of ['9:16', '1:1', '4:5', '16:9'] as const) await page.getByLabel(VIDEO_FORMAT_SPECS[f].label).check();
    // The photo is "stored" without reaching the bucket, so the pipeline never starts: the test writes
    // the job's end as the completion would (some formats made, one failed) and watches the page show it.
    await page.route(/./, (route) =>
      route.request().method() === 'PUT' || route.request().method() === 'OPTIONS'
        ? route.fulfill({ status: 200, headers: { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': '*' } })
        : route.continue(),
    );
    const asked = page.waitForRequest((r) => r.url() === stack.info.uploadsUrl && r.method() === 'POST');
    await page.getByRole('button', { name: 'Create video' }).click();
    expect((await asked).postDataJSON()).toMatchObject({ title: 'Villa Formats', formats: ['16:9', '9:16', '4:5', '1:1'] });
    const ticket = (await (await asked).response())!;
    expect(ticket.status()).toBe(201);
    const { jobId } = (await ticket.json()) as { jobId: string };
    await page.getByRole('progressbar', { name: 'Video progress' }).waitFor();
    expect((await stack.clients.jobs.get(jobId))?.options.formats).toEqual(['16:9', '9:16', '4:5', '1:1']);

    const { ids } = await finishWithFormats(stack, jobId, { made: ['16:9', '9:16', '1:1'], failed: { '4:5': 'the render timed out twice.' }, media });
    await page.getByTestId('outputs').waitFor();
    expect(await page.locator('[data-testid="outputs"] > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-format')))).toEqual(['16:9', '9:16', '1:1']);
    const shape = async (f: string) => {
      const box = (await page.locator(`.output[data-format="${f}"] .frame`).boundingBox())!;
      return box.width / box.height;
    };
    expect(await shape('16:9')).toBeCloseTo(16 / 9, 1);
    expect(await shape('9:16')).toBeCloseTo(9 / 16, 1);
    expect(await shape('1:1')).toBeCloseTo(1, 1);
    for (const [i, f] of (['16:9', '9:16', '1:1'] as const).entries()) {
      const link = page.getByRole('link', { name: `Download ${f} MP4` });
      expect(await link.getAttribute('href')).toBe(media.video_url);
      expect(await link.getAttribute('download')).toBe(`Villa Formats ${VIDEO_FORMAT_SPECS[f].slug}.mp4`);
      expect(await page.locator(`.output[data-format="${f}"]`).getAttribute('data-video-id')).toBe(ids[i]);
    }
    const failed = page.getByTestId('format-failures');
    expect(await failed.textContent()).toContain(`${VIDEO_FORMAT_SPECS['4:5'].label}: The 4:5 video could not be made: the render timed out twice.`);
    // The library has a tile per format made.
    await page.locator(`[data-testid="library"] [data-job-id="${ids[1]}"][data-format="9:16"]`).waitFor();
    await page.screenshot({ path: join(SHOTS, '7-formats.png'), fullPage: true });
    await page.context().close();
  });

  it("shows a second visitor, on a 375 px phone screen, none of the first visitor's videos", async () => {
    expect(firstJobId).not.toBe('');
    const page = await visit({ width: 375, height: 812 });
    await page.getByTestId('library-empty').waitFor();
    expect(await page.locator(`[data-job-id="${firstJobId}"]`).count()).toBe(0);
    // Nothing runs off the side of a phone screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SHOTS, '6-phone.png'), fullPage: true });
    await page.context().close();
  });
});
