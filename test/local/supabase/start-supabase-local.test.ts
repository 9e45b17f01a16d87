import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../local/supabase/database/apply-migrations';
import { startSupabaseLocal, type SupabaseLocalOptions } from '../../../local/supabase/start-supabase-local';
import { backendOptions, TEST_BACKEND } from '../../helpers/test-database';
import { anonClient, serviceClient } from './supabase-test-helpers';

let dir: string;
/** The suite's backend, kept across the restarts of this file (one fresh database on PostgreSQL). */
let backend: Awaited<ReturnType<typeof backendOptions>>;
let base: SupabaseLocalOptions;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'supabase-local-'));
  backend = await backendOptions();
  base = { port: 0, databaseUrl: backend.databaseUrl };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await backend?.cleanup();
});

/** Every path under `root` (itself included) with its permission bits, e.g. `{path: 'x/y', mode: 0o600, dir: false}`. */
async function modes(root: string): Promise<{ path: string; mode: number; dir: boolean }[]> {
  const out: { path: string; mode: number; dir: boolean }[] = [];
  const walk = async (p: string): Promise<void> => {
    const info = await lstat(p);
    out.push({ path: p, mode: info.mode & 0o777, dir: info.isDirectory() });
    if (info.isDirectory()) for (const name of await readdir(p)) await walk(join(p, name));
  };
  await walk(root);
  return out;
}

describe('a persisted local Supabase', () => {
  it('keeps its keys, users and rows across a restart and applies migrations once', async () => {
    const lines: string[] = [];
    const first = await startSupabaseLocal({ ...base, dataDir: dir, log: (l) => lines.push(l) });
    let userId: string;
    try {
      expect(lines.some((l) => l.startsWith('applied migrations: 20250601000000_generated_videos.sql'))).toBe(true);
      const signUp = await anonClient(first).auth.signUp({ email: 'keep@example.com', password: 'persist-me' });
      userId = signUp.data.user?.id ?? '';
      expect((await serviceClient(first).from('generated_videos').insert({ user_id: userId, title: 'kept' })).error).toBeNull();
    } finally {
      await first.stop();
    }
    const secrets = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as { jwtSecret: string };
    expect(secrets.jwtSecret).toBe(first.jwtSecret);

    const again: string[] = [];
    const second = await startSupabaseLocal({ ...base, dataDir: dir, log: (l) => again.push(l) });
    try {
      expect(second.jwtSecret).toBe(first.jwtSecret);
      expect(again.some((l) => l.startsWith('applied migrations'))).toBe(false);
      const client = anonClient(second);
      const signIn = await client.auth.signInWithPassword({ email: 'keep@example.com', password: 'persist-me' });
      expect(signIn.data.user?.id).toBe(userId);
      expect((await client.from('generated_videos').select('title')).data).toEqual([{ title: 'kept' }]);
      expect(await applyMigrations(second.db, join(process.cwd(), 'supabase/migrations'))).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it('refuses to start on a port already in use, and releases its database', async () => {
    const a = await startSupabaseLocal(base);
    try {
      const port = Number(new URL(a.url).port);
      await expect(startSupabaseLocal({ ...base, port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await a.stop();
    }
  });
});

describe('the data directory', () => {
  it('is private: directories 0700, files 0600, including what an older version left open', async () => {
    const state = await mkdtemp(join(tmpdir(), 'supabase-private-'));
    try {
      // As an older version left it: world-readable directory and keys.
      await chmod(state, 0o755);
      await writeFile(join(state, 'secrets.json'), '{}', { mode: 0o644 });
      await chmod(join(state, 'secrets.json'), 0o644);
      if (TEST_BACKEND === 'pglite') {
        await mkdir(join(state, 'pgdata'), { mode: 0o755 });
        await chmod(join(state, 'pgdata'), 0o755);
      }
      const local = await startSupabaseLocal({ ...base, dataDir: state });
      try {
        // Write something, so the database creates files of its own.
        expect((await serviceClient(local).from('generated_videos').insert({ user_id: crypto.randomUUID(), title: 'private' })).error).toBeNull();
      } finally {
        await local.stop();
      }
      const all = await modes(state);
      expect(all.length).toBeGreaterThan(TEST_BACKEND === 'pglite' ? 500 : 1);
      expect(all.filter((e) => e.dir && e.mode !== 0o700)).toEqual([]);
      expect(all.filter((e) => !e.dir && (e.mode & 0o077) !== 0)).toEqual([]);
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });
});
