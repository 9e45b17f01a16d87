/**
 * Realtime Authorization for private channels, as Supabase's Realtime.Tenants.Authorization does
 * it: the joining user's JWT decides, through the RLS policies on `realtime.messages`.
 * - read (to join, receive broadcasts, see presence): inside a transaction that is always rolled
 *   back, insert one probe row per extension (broadcast, presence) as the owner, switch to the
 *   user's role and claims with `realtime.topic` set to the channel's name, and SELECT them back:
 *   a row the policies let through means "may read" that extension;
 * - write (to send a broadcast, to track presence): as the user, INSERT a row per extension, each
 *   in a savepoint; "permission denied" (42501, which an RLS WITH CHECK failure raises) means "may
 *   not"; anything else is an error. Rolled back too, so nothing is ever stored or relayed.
 * Only the API roles are switched to; a token naming another role reads and writes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Database, JwtClaims, SqlExecutor } from '../database/database';
import { API_ROLES } from '../database/request-settings';

export type Extension = 'broadcast' | 'presence';

/** What a private channel may do; `undefined` = not evaluated yet (Supabase's nil). */
export interface Policies {
  broadcast: { read?: boolean; write?: boolean };
  presence: { read?: boolean; write?: boolean };
}

export function emptyPolicies(): Policies {
  return { broadcast: {}, presence: {} };
}

class Rollback extends Error {}

/** The settings Supabase's set_conn_config makes before any policy runs. */
async function actAs(tx: SqlExecutor, claims: JwtClaims, topic: string): Promise<void> {
  await tx.query(
    `select set_config('role', $1, true), set_config('realtime.topic', $2, true), set_config('request.jwt.claims', $3, true),
            set_config('request.jwt.claim.sub', $4, true), set_config('request.jwt.claim.role', $1, true),
            set_config('request.headers', '{}', true)`,
    [claims.role, topic, JSON.stringify(claims), typeof claims.sub === 'string' ? claims.sub : ''],
  );
}

/** Runs `fn` in a transaction that is rolled back whatever happens; returns what `fn` returned. */
async function rolledBack<T>(db: Database, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  let out: { value: T } | undefined;
  try {
    await db.transaction(async (tx) => {
      out = { value: await fn(tx) };
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return out!.value;
}

/**
 * Read access of `claims` to the channel `topic` (its name without `realtime:`) for the given
 * extensions. Throws on a database or policy error (Supabase: RlsPolicyError, then Unauthorized).
 */
export async function readPolicies(db: Database, claims: JwtClaims, topic: string, extensions: Extension[]): Promise<Partial<Record<Extension, boolean>>> {
  if (!API_ROLES.has(claims.role)) return Object.fromEntries(extensions.map((e) => [e, false]));
  return rolledBack(db, async (tx) => {
    const ids = extensions.map(() => randomUUID());
    await tx.query(`insert into realtime.messages (id, topic, extension) select * from unnest($1::uuid[], $2::text[], $3::text[])`, [
      ids,
      extensions.map(() => topic),
      extensions,
    ]);
    await actAs(tx, claims, topic);
    const { rows } = await tx.query<{ id: string }>('select id::text as id from realtime.messages where id = any($1::uuid[])', [ids]);
    const seen = new Set(rows.map((r) => r.id));
    return Object.fromEntries(extensions.map((e, i) => [e, seen.has(ids[i]!)]));
  });
}

/** Write access, as above. Throws on any error other than "permission denied". */
export async function writePolicies(db: Database, claims: JwtClaims, topic: string, extensions: Extension[]): Promise<Partial<Record<Extension, boolean>>> {
  if (!API_ROLES.has(claims.role)) return Object.fromEntries(extensions.map((e) => [e, false]));
  return rolledBack(db, async (tx) => {
    await actAs(tx, claims, topic);
    const out: Partial<Record<Extension, boolean>> = {};
    for (const extension of extensions) {
      await tx.query('savepoint realtime_write_check');
      try {
        await tx.query('insert into realtime.messages (topic, extension) values ($1, $2)', [topic, extension]);
        out[extension] = true;
      } catch (err) {
        if ((err as { code?: unknown }).code !== '42501') throw err;
        out[extension] = false;
      }
      await tx.query('rollback to savepoint realtime_write_check');
    }
    return out;
  });
}
