import { describe, expect, it } from 'vitest';
import { startSupabaseProcess } from '../../../local/supabase/supabase-process';
import { createTestPostgresDatabase, TEST_BACKEND } from '../../helpers/test-database';

const until = async (check: () => Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

// A real PostgreSQL only: PGlite lives inside one process, so the stack keeps it in-process.
describe.runIf(TEST_BACKEND === 'postgres')('the local Supabase API in a process of its own', () => {
  it('serves REST and Auth from the child, shares the database with the parent, goes down on demand and stops whole', async () => {
    const fresh = await createTestPostgresDatabase();
    const lines: string[] = [];
    const supabase = await startSupabaseProcess({ port: 0, dataDir: null, databaseUrl: fresh.url, log: (line) => lines.push(line) });
    try {
      const headers = { apikey: supabase.serviceRoleKey, authorization: `Bearer ${supabase.serviceRoleKey}`, 'content-type': 'application/json' };
      const insert = await fetch(`${supabase.url}/rest/v1/generated_videos`, { method: 'POST', headers, body: JSON.stringify({ user_id: crypto.randomUUID(), title: 'Villa' }) });
      expect(insert.status).toBe(201);
      // The parent's own pool reads what the child's REST wrote.
      expect((await supabase.db.query<{ n: number }>('select count(*)::int as n from public.generated_videos')).rows[0]?.n).toBe(1);
      expect(lines.some((l) => l.startsWith('applied migrations'))).toBe(true);

      supabase.setUnavailable(true);
      await until(async () => (await fetch(`${supabase.url}/rest/v1/generated_videos`, { headers })).status === 503);
      supabase.setUnavailable(false);
      await until(async () => (await fetch(`${supabase.url}/rest/v1/generated_videos`, { headers })).status === 200);
    } finally {
      await supabase.stop();
      await fresh.drop();
    }
    await expect(fetch(`${supabase.url}/rest/v1/`)).rejects.toThrow();
  });
});
