import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../local/supabase/database/database';
import { createPgliteDatabase } from '../../../local/supabase/database/pglite-database';
import { parseStatementTimeout } from '../../../local/supabase/database/request-settings';
import { createTestDatabase, TEST_BACKEND } from '../../helpers/test-database';

/**
 * The Database behind the local Supabase, on the suite's backend (PGlite in its worker thread, or
 * PostgreSQL through a pool): transactions, request roles, statement timeouts, LISTEN/NOTIFY.
 * The last block is PGlite's own scheduling: one connection shared fairly.
 */
const USER = '00000000-0000-4000-8000-000000000001';
const ANON_TIMEOUT_MS = 1000;

let db: Database;
const logs: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ statementTimeouts: { anon: `${ANON_TIMEOUT_MS}ms` }, log: (l) => logs.push(l) });
  await db.query(`create table public.notes (id int primary key, body text);
    grant select on public.notes to anon, authenticated;
    grant all on public.notes to service_role`);
});

afterAll(async () => {
  await db?.close();
});

async function ids(): Promise<number[]> {
  return (await db.query<{ id: number }>('select id from public.notes order by id')).rows.map((r) => r.id);
}

describe(`the ${TEST_BACKEND} database`, () => {
  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db.transaction(async (tx) => {
      await tx.query('insert into public.notes values (1, $1)', ['kept']);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('insert into public.notes values (2, $1)', ['dropped']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await ids()).toEqual([1]);
  });

  it('runs asRole as PostgREST does: the role, the claims, and the role’s statement timeout', async () => {
    const r = await db.asRole({ role: 'authenticated', sub: USER }, async (tx) =>
      (await tx.query<{ who: string; uid: string; t: string }>("select current_user as who, auth.uid()::text as uid, current_setting('statement_timeout') as t")).rows[0],
    );
    expect(r).toEqual({ who: 'authenticated', uid: USER, t: '8s' });
    const anon = await db.asRole({ role: 'anon' }, async (tx) => (await tx.query<{ t: string }>("select current_setting('statement_timeout') as t")).rows[0]?.t);
    expect(parseStatementTimeout(anon)).toBe(ANON_TIMEOUT_MS);
  });

  it('cancels a statement at its role’s timeout with 57014; the transaction is lost, the database and LISTEN carry on', async () => {
    const heard: string[] = [];
    const unlisten = await db.listen('notes_channel', (p) => heard.push(p));
    const t0 = performance.now();
    const err = await db
      .asRole({ role: 'anon' }, async (tx) => {
        await tx.query('select pg_sleep(30)');
      })
      .catch((e: unknown) => e as { code?: string; message?: string });
    const ms = performance.now() - t0;
    expect(err).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
    expect(ms).toBeGreaterThanOrEqual(ANON_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(ANON_TIMEOUT_MS + 5000);
    // A later transaction of the same shape gets the same answer, and ordinary work goes on.
    await db.transaction(async (tx) => {
      await tx.query('insert into public.notes values (3, $1)', ['after']);
      await tx.query("select pg_notify('notes_channel', 'after the timeout')");
    });
    expect(await ids()).toEqual([1, 3]);
    for (let waited = 0; heard.length === 0 && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(heard).toEqual(['after the timeout']);
    await unlisten();
  });

  it.runIf(TEST_BACKEND === 'postgres')('listens again when its LISTEN connection drops, and says so to catch up', async () => {
    const heard: string[] = [];
    const unlisten = await db.listen('drop_channel', (p) => heard.push(p));
    const killed = await db.query<{ n: number }>(
      `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`,
    );
    expect(killed.rows[0]?.n).toBe(1);
    const until = async (what: string): Promise<void> => {
      for (let waited = 0; !heard.includes(what) && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    };
    await until(''); // the catch-up call after reconnecting
    await db.query("select pg_notify('drop_channel', 'again')");
    await until('again');
    expect(heard).toEqual(['', 'again']);
    await unlisten();
  });

  it('refuses a role the API does not switch to, before any SQL runs', async () => {
    await expect(db.asRole({ role: 'postgres' }, async () => 1)).rejects.toMatchObject({ code: '22023' });
    expect(await ids()).toEqual([1, 3]);
  });
});

describe.runIf(TEST_BACKEND === 'pglite')('PGlite’s one connection, shared', () => {
  let pg: Awaited<ReturnType<typeof createPgliteDatabase>>;
  beforeAll(async () => {
    pg = await createPgliteDatabase({ dataDir: null });
    await pg.query('create table public.t (id int primary key)');
  });
  afterAll(async () => {
    await pg?.close();
  });

  /** Starts `slow`, and 300 ms later a trivial statement; answers how long that one waited. */
  async function waiterBehind<T>(slow: Promise<T>): Promise<{ slow: T; waitedMs: number }> {
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    await pg.query('select 1');
    const waitedMs = performance.now() - t0;
    return { slow: await slow, waitedMs };
  }

  it('lets a long read-only statement give way to a waiting one, then resumes its transaction where it was', async () => {
    const before = pg.restarts;
    const { slow, waitedMs } = await waiterBehind(
      pg.asRole({ role: 'authenticated', sub: USER }, async (tx) => {
        const uid = (await tx.query<{ u: string }>('select auth.uid()::text as u')).rows[0]?.u;
        await tx.query('select pg_sleep(1.2)');
        const after = (await tx.query<{ u: string; who: string }>('select auth.uid()::text as u, current_user as who')).rows[0];
        return { uid, after };
      }),
    );
    expect(slow).toEqual({ uid: USER, after: { u: USER, who: 'authenticated' } });
    expect(pg.restarts).toBe(before + 1);
    expect(waitedMs).toBeLessThan(1500);
  });

  it('never preempts a transaction that has written: the waiter waits, nothing is lost or done twice', async () => {
    const before = pg.restarts;
    const { waitedMs } = await waiterBehind(
      pg.transaction(async (tx) => {
        await tx.query('insert into public.t values (1)');
        await tx.query('select pg_sleep(1)');
      }),
    );
    expect(pg.restarts).toBe(before);
    expect(waitedMs).toBeGreaterThan(300);
    expect((await pg.query<{ id: number }>('select id from public.t')).rows).toEqual([{ id: 1 }]);
  });
});
