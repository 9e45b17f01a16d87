import { fileURLToPath } from 'node:url';
import type { SupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { startTestSupabase } from './supabase-test-helpers';

/** The small library schema of test/fixtures/postgrest (authors, books, genres, staff, functions), schemas public + archive. */
export function startLibrary(): Promise<SupabaseLocal> {
  return startTestSupabase({
    migrationsDir: fileURLToPath(new URL('../../fixtures/postgrest/migrations', import.meta.url)),
    rest: { schemas: ['public', 'archive'] },
  });
}
