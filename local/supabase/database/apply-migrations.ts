import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from './database';

/**
 * Applies `dir/*.sql` in name order, each in its own transaction, and records each file in
 * `supabase_migrations.schema_migrations` (the table the Supabase CLI uses, keyed by the leading
 * version digits) so a restart on a persisted database applies only the new ones.
 * Returns the file names applied by this call.
 */
export async function applyMigrations(db: Database, dir: string): Promise<string[]> {
  await db.query(
    'create schema if not exists supabase_migrations; ' +
      'create table if not exists supabase_migrations.schema_migrations ' +
      '(version text primary key, name text, statements text[], applied_at timestamptz not null default now())',
  );
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const done = await db.query<{ version: string }>('select version from supabase_migrations.schema_migrations');
  const applied = new Set(done.rows.map((r) => r.version));
  const ran: string[] = [];
  for (const file of files) {
    const version = migrationVersion(file);
    if (applied.has(version)) continue;
    const sql = await readFile(join(dir, file), 'utf8');
    await db.transaction(async (tx) => {
      try {
        await tx.query(sql);
      } catch (err) {
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      await tx.query('insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)', [
        version,
        file.replace(/\.sql$/, ''),
      ]);
    });
    ran.push(file);
  }
  return ran;
}

/** `20250101000000_video_jobs.sql` -> `20250101000000`; a file without leading digits keys by its name. */
export function migrationVersion(file: string): string {
  const m = /^(\d+)_/.exec(file);
  return m?.[1] ?? file.replace(/\.sql$/, '');
}
