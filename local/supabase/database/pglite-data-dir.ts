import { access, cp, lstat, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PgliteEngine } from './pglite-engine';
import { processAlive } from './process-alive';
import { ensurePrivateDir, tightenTree } from '../private-dir';

/**
 * Where the embedded Postgres keeps its files. It always runs on a directory, even "in memory"
 * (tests, `dataDir: null`): its worker may be terminated mid-statement (statement timeouts), and
 * only files outlive the worker. An in-memory instance gets a private scratch directory, removed
 * on close (and by the next start if this process died first).
 *
 * A fresh directory is a copy of a template made once per PGlite version (initdb takes 2 to 6 s
 * on this machine, a copy ~0.1 s).
 */
export interface PgliteDataDir {
  dir: string;
  /** Removes a scratch directory; leaves a persisted one alone. */
  dispose(): Promise<void>;
}

async function pgliteVersion(): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** `<tmp>/villa-pglite-<uid>`: created 0700 and refused unless it is a real directory of ours (/tmp is shared). */
async function scratchRoot(): Promise<string> {
  const root = join(tmpdir(), `villa-pglite-${process.getuid?.() ?? 'user'}`);
  await ensurePrivateDir(root);
  const info = await lstat(root);
  if (!info.isDirectory() || (process.getuid && info.uid !== process.getuid())) {
    throw new Error(`${root} is not a directory owned by this user: refusing to keep database files there`);
  }
  return root;
}

/** Removes scratch and half-built directories (`db-<pid>-…`, `build-<pid>-…`) of processes that are gone. */
async function sweepStale(root: string): Promise<void> {
  for (const name of await readdir(root)) {
    const pid = Number(/^(?:db|build)-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !processAlive(pid)) await rm(join(root, name), { recursive: true, force: true });
  }
}

let template: Promise<string> | undefined;
/** A cleanly shut down, freshly initialised PGlite directory for this PGlite version, built once (atomically, by rename). */
function ensureTemplate(root: string): Promise<string> {
  template ??= (async () => {
    const dir = join(root, `template-${await pgliteVersion()}`);
    if (await exists(join(dir, 'PG_VERSION'))) return dir;
    const build = await mkdtemp(join(root, `build-${process.pid}-`));
    const engine = new PgliteEngine(build, () => undefined);
    await engine.start();
    await engine.close();
    await tightenTree(build);
    try {
      await rename(build, dir);
    } catch (err) {
      // Another process built it first: use theirs.
      await rm(build, { recursive: true, force: true });
      if (!(await exists(join(dir, 'PG_VERSION')))) throw err;
    }
    return dir;
  })();
  template.catch(() => {
    template = undefined;
  });
  return template;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export async function preparePgliteDataDir(dataDir: string | null): Promise<PgliteDataDir> {
  const root = await scratchRoot();
  if (dataDir === null) {
    await sweepStale(root);
    const dir = await mkdtemp(join(root, `db-${process.pid}-`));
    try {
      await cp(await ensureTemplate(root), dir, { recursive: true });
      await tightenTree(dir);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
  }
  await ensurePrivateDir(dataDir);
  if (!(await exists(join(dataDir, 'PG_VERSION')))) {
    if ((await readdir(dataDir)).length > 0) throw new Error(`${dataDir} is neither empty nor a Postgres data directory (no PG_VERSION): refusing to initialise a database there`);
    await cp(await ensureTemplate(root), dataDir, { recursive: true });
  }
  // Files written by older versions, and by PGlite itself (Emscripten creates them 0666).
  await tightenTree(dataDir);
  return { dir: dataDir, dispose: async () => undefined };
}
