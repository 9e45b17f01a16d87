import { describe, expect, it } from 'vitest';
import { chromeModeFor, remotionBrowserOptions, resolveBrowserExecutable, SYSTEM_BROWSER_CANDIDATES } from '../../remotion/browser-executable';
import { ConfigError } from '../../shared/domain/errors';

const only = (...present: string[]) => ({ exists: (p: string) => present.includes(p) });

describe('resolveBrowserExecutable', () => {
  it('uses the configured executable when it exists, even with a system Chromium present', () => {
    expect(resolveBrowserExecutable('/opt/chrome/chrome', only('/opt/chrome/chrome', '/usr/bin/chromium'))).toBe('/opt/chrome/chrome');
  });

  it('refuses a configured path that does not exist, naming the variable and the value', () => {
    expect(() => resolveBrowserExecutable('/nope/chrome', only('/usr/bin/chromium'))).toThrow(ConfigError);
    expect(() => resolveBrowserExecutable('/nope/chrome', only('/usr/bin/chromium'))).toThrow(
      'REMOTION_BROWSER_EXECUTABLE is "/nope/chrome" but no file exists at that path',
    );
  });

  it('falls back to the first Chromium found on the machine, Debian\'s first', () => {
    expect(resolveBrowserExecutable(undefined, only('/usr/bin/chromium', '/usr/bin/google-chrome'))).toBe('/usr/bin/chromium');
    expect(resolveBrowserExecutable('', only('/usr/bin/chromium-browser', '/usr/bin/google-chrome'))).toBe('/usr/bin/chromium-browser');
    expect(resolveBrowserExecutable(null, only('/usr/bin/google-chrome'))).toBe('/usr/bin/google-chrome');
  });

  it('refuses, saying how to get a browser, when nothing is configured or installed (never lets Remotion download its own)', () => {
    expect(() => resolveBrowserExecutable(undefined, only())).toThrow(ConfigError);
    expect(() => resolveBrowserExecutable(undefined, only())).toThrow(/none at \/usr\/bin\/chromium.*apt-get install chromium.*set REMOTION_BROWSER_EXECUTABLE/);
  });

  it('checks the machine for real by default (this machine has Debian\'s Chromium)', () => {
    expect(resolveBrowserExecutable(undefined)).toBe('/usr/bin/chromium');
    expect(SYSTEM_BROWSER_CANDIDATES[0]).toBe('/usr/bin/chromium');
  });
});

describe('chromeModeFor', () => {
  it('starts a full Chromium in the new headless mode and keeps headless-shell for a headless-shell binary', () => {
    expect(chromeModeFor('/usr/bin/chromium')).toBe('chrome-for-testing');
    expect(chromeModeFor('/opt/chrome-headless-shell/linux64/chrome-headless-shell')).toBe('headless-shell');
  });
});

describe('remotionBrowserOptions', () => {
  it('names the executable and its mode for every Remotion call, so a browser Remotion restarts after a crash is the same one', () => {
    const options = remotionBrowserOptions('/usr/bin/chromium');
    expect(options).toMatchObject({ browserExecutable: '/usr/bin/chromium', chromeMode: 'chrome-for-testing', chromiumOptions: {} });
  });

  it('refuses a download if Remotion ever asks for one', () => {
    const options = remotionBrowserOptions('/usr/bin/chromium');
    expect(() => options.onBrowserDownload({ chromeMode: 'headless-shell' })).toThrow(ConfigError);
  });
});
