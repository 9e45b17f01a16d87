import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../local/supabase/apply-migrations';
import { startSupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { anonClient, serviceClient } from './supabase-test-helpers';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'supabase-local-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a persisted local Supabase', () => {
  it('keeps its keys, users and rows across a restart and applies migrations once', async () => {
    const lines: string[] = [];
    const first = await startSupabaseLocal({ port: 0, dataDir: dir, log: (l) => lines.push(l) });
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
    const second = await startSupabaseLocal({ port: 0, dataDir: dir, log: (l) => again.push(l) });
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
    const a = await startSupabaseLocal({ port: 0 });
    try {
      const port = Number(new URL(a.url).port);
      await expect(startSupabaseLocal({ port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await a.stop();
    }
  });
});
