import { existsSync } from 'node:fs';
import type { ChromiumOptions, OnBrowserDownload } from '@remotion/renderer';
import { ConfigError } from '../shared/domain/errors';

/** Where a Chromium usually lives on Linux machines (Debian's package first: the project's CI installs it). */
export const SYSTEM_BROWSER_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
] as const;

export interface ResolveBrowserDeps {
  exists?: (path: string) => boolean;
  candidates?: readonly string[];
}

/**
 * The browser Remotion should drive: the configured one (REMOTION_BROWSER_EXECUTABLE, passed in by
 * the config module), else a Chromium on the machine. Never Remotion's own download: with none found
 * it refuses, saying how to get one (`browserUnavailableError`).
 */
export function resolveBrowserExecutable(configured: string | null | undefined, deps: ResolveBrowserDeps = {}): string {
  const exists = deps.exists ?? existsSync;
  if (configured !== undefined && configured !== null && configured.trim() !== '') {
    if (!exists(configured)) {
      throw new ConfigError(
        `REMOTION_BROWSER_EXECUTABLE is "${configured}" but no file exists at that path; point it at a Chrome or Chromium executable (e.g. /usr/bin/chromium after \`apt-get install chromium\`) or unset it.`,
      );
    }
    return configured;
  }
  const candidates = deps.candidates ?? SYSTEM_BROWSER_CANDIDATES;
  const found = candidates.find((candidate) => exists(candidate));
  if (found === undefined) throw browserUnavailableError(candidates);
  return found;
}

/**
 * Remotion starts a full Chrome/Chromium with `--headless=new` only in "chrome-for-testing" mode;
 * its default ("headless-shell") passes `--headless=old`, which Chromium dropped in version 132.
 * A headless-shell binary keeps the default.
 */
export function chromeModeFor(executable: string): 'headless-shell' | 'chrome-for-testing' {
  return /headless[-_]shell/.test(executable) ? 'headless-shell' : 'chrome-for-testing';
}

/** The error when no browser is on the machine: how to get one (Remotion's own download is never used). */
export function browserUnavailableError(candidates: readonly string[] = SYSTEM_BROWSER_CANDIDATES): ConfigError {
  return new ConfigError(
    `No Chromium to render with: none at ${candidates.join(', ')} and REMOTION_BROWSER_EXECUTABLE is not set. ` +
      'Install one with `apt-get install chromium` (Debian/Ubuntu), or set REMOTION_BROWSER_EXECUTABLE to the path of a Chrome or Chromium executable.',
  );
}

/** The browser options every `@remotion/renderer` call takes (openBrowser, selectComposition, renderMedia, renderStill). */
export interface RemotionBrowserOptions {
  browserExecutable: string;
  chromeMode: 'headless-shell' | 'chrome-for-testing';
  chromiumOptions: ChromiumOptions;
  onBrowserDownload: OnBrowserDownload;
}

/**
 * The one place that says which browser Remotion uses, spread into every call. A call given a
 * `puppeteerInstance` still needs them: when a tab crashes mid-render Remotion starts a new browser
 * from the call's own `browserExecutable`/`chromeMode`, and with none it downloads Chrome Headless
 * Shell (a machine without internet fails with ENOTFOUND). `onBrowserDownload` is only asked when
 * Remotion is about to download: it refuses, so nothing is ever fetched.
 */
export function remotionBrowserOptions(executable: string): RemotionBrowserOptions {
  return {
    browserExecutable: executable,
    chromeMode: chromeModeFor(executable),
    chromiumOptions: {},
    onBrowserDownload: () => {
      throw new ConfigError(`Remotion tried to download a browser although ${executable} was given; nothing is downloaded at run time (see remotion/browser-executable.ts).`);
    },
  };
}
