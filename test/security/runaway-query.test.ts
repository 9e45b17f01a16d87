import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseLocal } from '../../local/supabase/start-supabase-local';
import { rawRequest, serviceClient, signedInUser, startTestSupabase, uuid, type TestUser } from '../local/supabase/supabase-test-helpers';

/**
 * A regular-expression filter with catastrophic backtracking over the caller's own rows
 * (`options->>title=match.^(.*)(.*)(.*)\1\2\3$`, any signed-in user can send it; a regex on the
 * jsonb column itself is PostgREST's 404 for a missing operator) used to freeze the whole
 * local stack. Now it is cancelled at the role's statement timeout with PostgREST's answer, and
 * another user's requests are answered meanwhile. Runs on PGlite and on PostgreSQL.
 *
 * The authenticated role's timeout is lowered from Supabase's 8 s to 2 s so the file stays quick;
 * the defaults themselves are checked below.
 */
const TIMEOUT_MS = 2000;
/** What the answer may take past the timeout (on PGlite: a worker restart for each time it gave way, and one to end it). */
const SLACK_MS = 5000;
/** A liveness bound, not a benchmark: a request that waited for the attack to end would take seconds. */
const OTHERS_ANSWERED_WITHIN_MS = 1500;
const BACKTRACKING = encodeURIComponent('^(.*)(.*)(.*)\\1\\2\\3$');

let stack: SupabaseLocal;
let alice: TestUser;
let bob: TestUser;
const bobJob = uuid();
const aliceJob = uuid();

beforeAll(async () => {
  stack = await startTestSupabase({ statementTimeouts: { authenticated: `${TIMEOUT_MS}ms` } });
  [alice, bob] = await Promise.all([signedInUser(stack), signedInUser(stack)]);
  // ~900 characters of ordinary text: that regex needs minutes for it (about n^4 steps).
  const title = 'Luxury villa in Bali with ocean view, infinity pool, sunset terrace; '.repeat(14);
  const service = serviceClient(stack);
  expect((await service.from('video_jobs').insert({ id: aliceJob, user_id: alice.id, source_key: `images/${alice.id}/${aliceJob}.jpg`, options: { title } })).error).toBeNull();
  expect((await service.from('video_jobs').insert({ id: bobJob, user_id: bob.id, source_key: `images/${bob.id}/${bobJob}.jpg` })).error).toBeNull();
});

afterAll(async () => {
  await stack?.stop();
});

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

describe('a runaway regular-expression filter', () => {
  it('is cancelled at the statement timeout with 57014, while another user is answered quickly throughout', async () => {
    const attack = timed(() => rawRequest(stack, `/rest/v1/video_jobs?select=id&options->>title=match.${BACKTRACKING}`, { token: alice.accessToken }));
    const bobAnswers: number[] = [];
    // Bob keeps using the API while the attack runs: every answer comes quickly and is right.
    for (const pause of [300, 600]) {
      await new Promise((r) => setTimeout(r, pause));
      const { value, ms } = await timed(async () => await bob.client.from('video_jobs').select('id'));
      expect(value.error).toBeNull();
      expect(value.data).toEqual([{ id: bobJob }]);
      bobAnswers.push(ms);
    }
    const { value: res, ms } = await attack;
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ code: '57014', details: null, hint: null, message: 'canceling statement due to statement timeout' });
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(Math.max(...bobAnswers), `Bob's answers took ${bobAnswers.map(Math.round).join(', ')} ms`).toBeLessThan(OTHERS_ANSWERED_WITHIN_MS);
  });

  it('leaves the data and the API as they were: Alice reads and writes her rows afterwards', async () => {
    const { data, error } = await alice.client.from('video_jobs').select('id, options').eq('id', aliceJob);
    expect(error).toBeNull();
    expect(data).toHaveLength(1);
    const service = serviceClient(stack);
    expect((await service.from('video_jobs').update({ progress: 5 }).eq('id', aliceJob)).error).toBeNull();
    expect((await alice.client.from('video_jobs').select('progress').eq('id', aliceJob)).data).toEqual([{ progress: 5 }]);
  });

  it('cannot hide behind an exact count either (the runaway is then the second statement)', async () => {
    const { value: res, ms } = await timed(() =>
      rawRequest(stack, `/rest/v1/video_jobs?select=id&limit=0&options->>title=match.${BACKTRACKING}`, { token: alice.accessToken, headers: { Prefer: 'count=exact' } }),
    );
    expect(res.status).toBe(500);
    expect((res.json() as { code: string }).code).toBe('57014');
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });
});

describe('statement timeouts', () => {
  it('are Supabase’s per role unless configured: anon 3 s, authenticated 8 s, service_role the authenticator’s 8 s', async () => {
    const { rows } = await stack.db.query<{ rolname: string; timeout: string | null }>(
      `select rolname, (select c from unnest(rolconfig) c where c like 'statement_timeout=%') as timeout
       from pg_roles where rolname in ('anon', 'authenticated', 'service_role', 'authenticator') order by rolname`,
    );
    expect(rows).toEqual([
      { rolname: 'anon', timeout: 'statement_timeout=3s' },
      { rolname: 'authenticated', timeout: 'statement_timeout=8s' },
      { rolname: 'authenticator', timeout: 'statement_timeout=8s' },
      { rolname: 'service_role', timeout: null },
    ]);
    const effective = async (role: string): Promise<unknown> =>
      stack.db.asRole({ role }, async (tx) => (await tx.query<{ t: string }>("select current_setting('statement_timeout') as t")).rows[0]?.t);
    expect(await effective('anon')).toBe('3s');
    expect(await effective('service_role')).toBe('8s');
    // This stack lowers authenticated's through the option, which wins over the role's setting.
    expect(await effective('authenticated')).toBe('2s');
  });
});
