import { chmod, lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The local Supabase's state (database files, keys, sessions) is private to the user running it, as
 * Postgres insists for its own data directory: directories 0700, files 0600.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and any missing parents) 0700; an existing `dir` is tightened to 0700. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}

/** Writes `file` 0600, tightening it if it already existed with a looser mode (writeFile's mode applies only on creation). */
export async function writePrivateFile(file: string, data: string): Promise<void> {
  await writeFile(file, data, { mode: PRIVATE_FILE_MODE });
  await chmod(file, PRIVATE_FILE_MODE);
}

/**
 * Tightens everything under `root` (itself included): directories 0700, files 0600. Symbolic links
 * are not followed. Used on start for data written by older versions and for what the embedded
 * Postgres creates with Emscripten's default 0666.
 */
export async function tightenTree(root: string): Promise<void> {
  const info = await lstat(root);
  if (info.isSymbolicLink()) return;
  if (info.isDirectory()) {
    if ((info.mode & 0o777) !== PRIVATE_DIR_MODE) await chmod(root, PRIVATE_DIR_MODE);
    await Promise.all((await readdir(root)).map((name) => tightenTree(join(root, name))));
  } else if ((info.mode & 0o777 & ~PRIVATE_FILE_MODE) !== 0) {
    await chmod(root, info.mode & PRIVATE_FILE_MODE);
  }
}
