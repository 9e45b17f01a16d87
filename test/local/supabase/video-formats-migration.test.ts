import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../local/supabase/database/apply-migrations';
import { DEFAULT_MIGRATIONS_DIR, startSupabaseLocal, type SupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { backendOptions } from '../../helpers/test-database';

/**
 * The formats migration (supabase/migrations/20250601001000_video_formats_renders.sql) on a database
 * that already holds a job rendering its one format under the old name: the row becomes '16:9' and
 * keeps its render, and the old name is refused from then on.
 */

const FORMATS_MIGRATION = '20250601001000_video_formats_renders.sql';
let dir: string;
let backend: Awaited<ReturnType<typeof backendOptions>>;
let local: SupabaseLocal | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'migrations-'));
  for (const file of await readdir(DEFAULT_MIGRATIONS_DIR)) {
    if (file.endsWith('.sql') && file < FORMATS_MIGRATION) await copyFile(join(DEFAULT_MIGRATIONS_DIR, file), join(dir, file));
  }
  backend = await backendOptions();
  local = await startSupabaseLocal({ port: 0, dataDir: null, databaseUrl: backend.databaseUrl, migrationsDir: dir });
});

afterAll(async () => {
  await local?.stop();
  await backend?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe('the formats migration', () => {
  it("renames a render's 'landscape' row to '16:9', keeping its render, and refuses the old name afterwards", async () => {
    const db = local!.db;
    const jobId = crypto.randomUUID();
    const userId = crypto.randomUUID();
    await db.query(`insert into public.video_jobs (id, user_id, status, options, origin) values ($1, $2, 'rendering', '{"title":"Villa"}'::jsonb, 'upload')`, [jobId, userId]);
    await db.query(`insert into public.video_renders (job_id, status, render_id, bucket_name) values ($1, 'rendering', 'r-1', 'b')`, [jobId]);
    expect((await db.query<{ format: string }>('select format from public.video_renders where job_id = $1', [jobId])).rows).toEqual([{ format: 'landscape' }]);

    await copyFile(join(DEFAULT_MIGRATIONS_DIR, FORMATS_MIGRATION), join(dir, FORMATS_MIGRATION));
    expect(await applyMigrations(db, dir)).toEqual([FORMATS_MIGRATION]);

    const renders = await db.query('select format, status, render_id, retryable, attempt from public.video_renders where job_id = $1', [jobId]);
    expect(renders.rows).toEqual([{ format: '16:9', status: 'rendering', render_id: 'r-1', retryable: true, attempt: 1 }]);
    const job = await db.query<{ generated_video_ids: unknown }>('select generated_video_ids from public.video_jobs where id = $1', [jobId]);
    expect(job.rows).toEqual([{ generated_video_ids: null }]);
    await expect(db.query(`insert into public.video_renders (job_id, format) values ($1, 'landscape')`, [jobId])).rejects.toThrow(/video_renders_format_check/);
    await db.query(`insert into public.video_renders (job_id) values ($1) on conflict do nothing`, [jobId]);
    expect((await db.query('select count(*)::int as n from public.video_renders where job_id = $1', [jobId])).rows).toEqual([{ n: 1 }]);
  });
});
