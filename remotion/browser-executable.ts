import { existsSync } from 'node:fs';
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
 * the config module), else a Chromium on the machine, else `null`, meaning "let Remotion download its
 * own headless shell", which only works where the network allows (see `browserUnavailableError`).
 */
export function resolveBrowserExecutable(configured: string | null | undefined, deps: ResolveBrowserDeps = {}): string | null {
  const exists = deps.exists ?? existsSync;
  if (configured !== undefined && configured !== null && configured.trim() !== '') {
    if (!exists(configured)) {
      throw new ConfigError(
        `REMOTION_BROWSER_EXECUTABLE is "${configured}" but no file exists at that path; point it at a Chrome or Chromium executable (e.g. /usr/bin/chromium after \`apt-get install chromium\`) or unset it.`,
      );
    }
    return configured;
  }
  return (deps.candidates ?? SYSTEM_BROWSER_CANDIDATES).find((candidate) => exists(candidate)) ?? null;
}

/**
 * Remotion starts a full Chrome/Chromium with `--headless=new` only in "chrome-for-testing" mode;
 * its default ("headless-shell") passes `--headless=old`, which Chromium dropped in version 132.
 * A headless-shell binary (or Remotion's own download, `null`) keeps the default.
 */
export function chromeModeFor(executable: string | null): 'headless-shell' | 'chrome-for-testing' {
  if (executable === null || /headless[-_]shell/.test(executable)) return 'headless-shell';
  return 'chrome-for-testing';
}

/** The error to throw when no browser was found on the machine and Remotion could not get its own. */
export function browserUnavailableError(cause: unknown, candidates: readonly string[] = SYSTEM_BROWSER_CANDIDATES): ConfigError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ConfigError(
    `No Chromium to render with: none at ${candidates.join(', ')}, REMOTION_BROWSER_EXECUTABLE is not set, and Remotion could not download its own (${reason.split('\n')[0]}). ` +
      'Install one with `apt-get install chromium` (Debian/Ubuntu), or set REMOTION_BROWSER_EXECUTABLE to the path of a Chrome or Chromium executable.',
  );
}
