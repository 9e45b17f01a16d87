import { describe, expect, it } from 'vitest';
import { browserUnavailableError, chromeModeFor, resolveBrowserExecutable, SYSTEM_BROWSER_CANDIDATES } from '../../remotion/browser-executable';
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

  it('answers null (let Remotion download its own) when nothing is configured or installed', () => {
    expect(resolveBrowserExecutable(undefined, only())).toBeNull();
  });

  it('checks the machine for real by default', () => {
    const found = resolveBrowserExecutable(undefined);
    expect(found === null || SYSTEM_BROWSER_CANDIDATES.includes(found as (typeof SYSTEM_BROWSER_CANDIDATES)[number])).toBe(true);
  });
});

describe('chromeModeFor', () => {
  it('starts a full Chromium in the new headless mode and keeps headless-shell for Remotion\'s own download', () => {
    expect(chromeModeFor('/usr/bin/chromium')).toBe('chrome-for-testing');
    expect(chromeModeFor('/opt/chrome-headless-shell/linux64/chrome-headless-shell')).toBe('headless-shell');
    expect(chromeModeFor(null)).toBe('headless-shell');
  });
});

describe('browserUnavailableError', () => {
  it('says how to get a browser', () => {
    const err = browserUnavailableError(new Error('getaddrinfo ENOTFOUND storage.googleapis.com\nstack'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('apt-get install chromium');
    expect(err.message).toContain('set REMOTION_BROWSER_EXECUTABLE');
    expect(err.message).toContain('(getaddrinfo ENOTFOUND storage.googleapis.com)');
  });
});
