/**
 * Reads captured changes in order and delivers each to the channels whose bindings it passes,
 * deciding exactly what realtime.apply_rls decides, in the payload shape Supabase Realtime sends
 * (`{ids, data: {schema, table, commit_timestamp, type, columns, record, old_record, errors}}`):
 * - filters are evaluated in Postgres (evaluate-filters): INSERT/UPDATE on the new row, DELETE on
 *   the old row's identity columns only (the key, unless REPLICA IDENTITY FULL);
 * - INSERT/UPDATE: a table without a primary key answers `Error 400`, a role that may not SELECT
 *   the key `Error 401`; otherwise, on an RLS table, the row must be visible to the subscriber's
 *   JWT: one SQL call per change checks every subscriber (realtime.visible_to), as apply_rls does;
 * - DELETE: RLS cannot see a deleted row, so every subscriber whose filters pass hears it, and on
 *   an RLS table `old_record` carries the primary key only;
 * - each role sees only the columns it may SELECT (`columns`, `record`, `old_record`).
 */
import type { Database, JwtClaims } from '../database/database';
import { CATALOG_CHANNEL, NOTIFY_CHANNEL, captureNewTables, pruneChanges } from './change-capture';
import { evaluateFilters, filterKey, parseBoolArray } from './evaluate-filters';
import type { ResolvedBinding } from './resolve-bindings';
import { loadPublishedTables, tableKey, type TableInfo } from './table-catalog';

export interface ChangeSubscriber {
  readonly bindings: readonly ResolvedBinding[];
  /** Claims in force now (they change on `access_token`). */
  claims(): JwtClaims;
  /** Sends `{ids, data}`; `dataJson` is `data` already serialised (once for every subscriber). */
  deliver(ids: number[], dataJson: string): void;
}

export interface ChangeData {
  schema: string;
  table: string;
  commit_timestamp: string;
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  columns: { name: string; type: string }[];
  record?: Record<string, unknown>;
  old_record?: Record<string, unknown>;
  errors: string[] | null;
}

interface ChangeRow {
  id: string;
  schema_name: string;
  table_name: string;
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  record: unknown;
  old_record: unknown;
  commit_timestamp: string;
}

interface Match {
  sub: ChangeSubscriber;
  claims: JwtClaims;
  ids: number[];
}

/** Supabase's limit before it strips large values and reports 413 in `errors`. */
const MAX_RECORD_BYTES = 1024 * 1024;
const BATCH = 200;
/** How long an id skipped over is looked for (a transaction open longer is rare; the prune window is a minute too). */
const GAP_WAIT_MS = 60_000;
/** At most this many skipped ids are remembered (a bulk insert rolled back leaves thousands, none of which will come). */
const MAX_GAPS = 1_000;

function asRecord(v: unknown): Record<string, unknown> | null {
  const o = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>) : null;
}

function pick(rec: Record<string, unknown> | null, keys: Iterable<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (rec) for (const k of keys) if (k in rec) out[k] = rec[k];
  return out;
}

function shrink(rec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(rec).filter(([, v]) => Buffer.byteLength(JSON.stringify(v) ?? '') <= 64));
}

function roleOf(claims: JwtClaims): string {
  return typeof claims.role === 'string' ? claims.role : '';
}

export class ChangeDispatcher {
  private readonly subscribers = new Set<ChangeSubscriber>();
  private catalog = new Map<string, TableInfo>();
  private catalogDirty = false;
  private lastId = 0;
  /** Ids skipped over by a read (their transaction had not committed yet), with when: see noteGaps. */
  private readonly gaps = new Map<number, number>();
  private draining: Promise<void> | null = null;
  private again = false;
  private unlisten: (() => Promise<void>)[] = [];
  private pruneTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly db: Database,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.refreshCatalog();
    // Changes made before this server started are not replayed: Supabase does not either. The
    // sequence, not the table (pruned, maybe empty), says which ids are taken.
    const { rows } = await this.db.query<{ last: string | null }>(
      `select greatest((select max(id) from realtime.changes), (select last_value from realtime.changes_id_seq where is_called))::text as last`,
    );
    this.lastId = Number(rows[0]?.last ?? 0);
    this.unlisten.push(await this.db.listen(NOTIFY_CHANNEL, () => this.kick()));
    this.unlisten.push(
      await this.db.listen(CATALOG_CHANNEL, () => {
        this.catalogDirty = true;
      }),
    );
    this.pruneTimer = setInterval(() => {
      pruneChanges(this.db, this.lastId).catch((err: unknown) => this.log(`realtime: prune failed: ${String(err)}`));
    }, 30_000);
    this.pruneTimer.unref();
  }

  getCatalog = (): Map<string, TableInfo> => this.catalog;

  refreshCatalog = async (): Promise<void> => {
    this.catalogDirty = false;
    await captureNewTables(this.db);
    this.catalog = await loadPublishedTables(this.db);
  };

  /** Re-reads the catalog if DDL or a GRANT ran since it was read. */
  async freshCatalog(): Promise<Map<string, TableInfo>> {
    if (this.catalogDirty) await this.refreshCatalog();
    return this.catalog;
  }

  add(s: ChangeSubscriber): void {
    this.subscribers.add(s);
  }

  remove(s: ChangeSubscriber): void {
    this.subscribers.delete(s);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.subscribers.clear();
    await this.draining?.catch(() => undefined);
    for (const u of this.unlisten) await u().catch(() => undefined);
  }

  /** Called on every NOTIFY; coalesces bursts into one ordered drain. */
  private kick(): void {
    if (this.closed) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch((err: unknown) => this.log(`realtime: delivering changes failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.draining = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      this.expireGaps();
      const gaps = [...this.gaps.keys()];
      const { rows } = await this.db.query<ChangeRow>(
        // Ordered by the bigint column c.id: a bare `order by id` would name the text output
        // column and sort 10 before 9, and lastId (the last row read) would then move backwards
        // and the next read would deliver those changes again (or skip some past the batch).
        `select c.id::text as id, c.schema_name, c.table_name, c.type, c.record, c.old_record,
                to_char(c.commit_timestamp at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as commit_timestamp
           from realtime.changes c where c.id > $1 or c.id = any($2::bigint[]) order by c.id limit ${BATCH}`,
        [this.lastId, gaps],
      );
      for (const row of rows) {
        if (this.closed) return;
        const id = Number(row.id);
        if (this.gaps.has(id)) {
          // A change that committed after later ones were read: delivered now, in commit order.
          this.gaps.delete(id);
        } else {
          this.noteGaps(id);
          this.lastId = id;
        }
        try {
          await this.dispatch(row);
        } catch (err) {
          this.log(`realtime: change ${row.id} on ${row.schema_name}.${row.table_name} not delivered: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (rows.length < BATCH) return;
    }
  }

  /**
   * Ids are taken when a change is written, not when it commits: a transaction that took id 7 and
   * commits after the one that took 8 shows up only once 8 has been read. Supabase reads the WAL in
   * commit order and delivers both; here each id skipped over is remembered and read again on the
   * next drains (its commit's NOTIFY brings one), until it turns up or GAP_WAIT_MS passes (a rolled
   * back transaction leaves its id unused for good).
   */
  private noteGaps(id: number): void {
    const now = Date.now();
    for (let missing = this.lastId + 1; missing < id && missing > 0; missing++) {
      if (this.gaps.size >= MAX_GAPS) this.gaps.delete(this.gaps.keys().next().value!);
      this.gaps.set(missing, now);
    }
  }

  private expireGaps(): void {
    const before = Date.now() - GAP_WAIT_MS;
    for (const [id, seenAt] of this.gaps) if (seenAt < before) this.gaps.delete(id);
  }

  private async tableInfo(row: ChangeRow, record: Record<string, unknown> | null): Promise<TableInfo | undefined> {
    const key = tableKey(row.schema_name, row.table_name);
    let info = (await this.freshCatalog()).get(key);
    // Without the DDL watch (no superuser), a changed table is noticed by its unknown columns.
    const stale = info && record && Object.keys(record).some((k) => !info!.columns.some((c) => c.name === k));
    if (!info || stale) {
      await this.refreshCatalog();
      info = this.catalog.get(key);
    }
    return info;
  }

  private async dispatch(row: ChangeRow): Promise<void> {
    if (this.subscribers.size === 0) return;
    const targets = (b: ResolvedBinding): boolean =>
      (b.event === '*' || b.event === row.type) &&
      (b.schema === '*' || b.schema === row.schema_name) &&
      (b.table === '*' || b.table === row.table_name);
    const candidates: { sub: ChangeSubscriber; bindings: ResolvedBinding[] }[] = [];
    for (const sub of this.subscribers) {
      const bindings = sub.bindings.filter(targets);
      if (bindings.length > 0) candidates.push({ sub, bindings });
    }
    if (candidates.length === 0) return;
    const record = asRecord(row.record);
    const old = asRecord(row.old_record);
    const info = await this.tableInfo(row, record ?? old);
    if (!info) return; // the table left the publication

    const filters = candidates.flatMap((c) => c.bindings.flatMap((b) => b.filters));
    const verdict =
      filters.length > 0
        ? await evaluateFilters(this.db, row.id, info, row.type === 'DELETE' ? 'old_record' : 'record', filters)
        : new Map<string, boolean>();
    const matches: Match[] = [];
    for (const c of candidates) {
      const ids = c.bindings.filter((b) => b.filters.every((f) => verdict.get(filterKey(f)) === true)).map((b) => b.id);
      if (ids.length > 0) matches.push({ sub: c.sub, claims: c.sub.claims(), ids });
    }
    if (matches.length === 0) return;

    // What each role may see, serialised once for all its subscribers.
    const data = new Map<string, string>();
    const dataFor = (role: string): string => {
      let d = data.get(role);
      if (d === undefined) data.set(role, (d = JSON.stringify(this.buildData(row, info, role, record, old))));
      return d;
    };
    if (row.type === 'DELETE') {
      for (const m of matches) m.sub.deliver(m.ids, dataFor(roleOf(m.claims)));
      return;
    }
    const checked: Match[] = [];
    for (const m of matches) {
      const role = roleOf(m.claims);
      const selectable = info.selectable[role] ?? [];
      if (info.primaryKey.length === 0) m.sub.deliver(m.ids, JSON.stringify(this.errorData(row, 'Error 400: Bad Request, no primary key')));
      else if (!info.primaryKey.every((k) => selectable.includes(k))) m.sub.deliver(m.ids, JSON.stringify(this.errorData(row, 'Error 401: Unauthorized')));
      else checked.push(m);
    }
    if (checked.length === 0) return;
    const visible = info.rlsEnabled ? await this.visibleUnderRls(row.id, checked) : () => true;
    for (const m of checked) if (visible(m)) m.sub.deliver(m.ids, dataFor(roleOf(m.claims)));
  }

  /** One SQL call for all distinct claims, grouped by role so the prepared lookup's plan is reused. */
  private async visibleUnderRls(changeId: string, matches: Match[]): Promise<(m: Match) => boolean> {
    const index = new Map<string, number>();
    const roles: string[] = [];
    const claimsText: string[] = [];
    const keys = matches.map((m) => JSON.stringify(m.claims));
    const order = matches.map((m, i) => ({ role: roleOf(m.claims), key: keys[i]! })).sort((a, b) => a.role.localeCompare(b.role));
    for (const o of order) {
      if (index.has(o.key)) continue;
      index.set(o.key, claimsText.length);
      roles.push(o.role);
      claimsText.push(o.key);
    }
    const { rows } = await this.db.query<{ v: unknown }>('select realtime.visible_to($1::bigint, $2::text[], $3::text[]) as v', [changeId, roles, claimsText]);
    const allowed = parseBoolArray(rows[0]?.v);
    const verdict = new Map(matches.map((m, i) => [m, allowed[index.get(keys[i]!)!] === true]));
    return (m) => verdict.get(m) === true;
  }

  private errorData(row: ChangeRow, error: string): ChangeData {
    return { schema: row.schema_name, table: row.table_name, commit_timestamp: row.commit_timestamp, type: row.type, columns: [], errors: [error] };
  }

  private buildData(
    row: ChangeRow,
    info: TableInfo,
    role: string,
    record: Record<string, unknown> | null,
    old: Record<string, unknown> | null,
  ): ChangeData {
    const selectable = new Set(info.selectable[role] ?? []);
    const data: ChangeData = {
      schema: row.schema_name,
      table: row.table_name,
      commit_timestamp: row.commit_timestamp,
      type: row.type,
      columns: info.columns.filter((c) => selectable.has(c.name)).map((c) => ({ name: c.name, type: c.type })),
      errors: null,
    };
    const tooLarge = Buffer.byteLength(JSON.stringify(record ?? old ?? {})) > MAX_RECORD_BYTES;
    const fit = (r: Record<string, unknown>): Record<string, unknown> => (tooLarge ? shrink(r) : r);
    const allowed = (names: Iterable<string>): string[] => [...names].filter((n) => selectable.has(n));
    if (row.type !== 'DELETE') data.record = fit(pick(record, allowed(info.columns.map((c) => c.name))));
    // The old row is what the WAL knows of it: its identity columns (the key, unless REPLICA
    // IDENTITY FULL). A deleted row's RLS cannot be checked, so on an RLS table only its key goes out.
    if (row.type === 'UPDATE') data.old_record = fit(pick(old, allowed(info.identity)));
    if (row.type === 'DELETE') {
      const keys = info.rlsEnabled ? info.identity.filter((k) => info.primaryKey.includes(k)) : info.identity;
      data.old_record = fit(pick(old, allowed(keys)));
    }
    if (tooLarge) data.errors = ['Error 413: Payload Too Large'];
    return data;
  }
}
