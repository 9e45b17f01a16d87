/**
 * Reads captured changes in order and delivers each to the channels whose bindings match and
 * whose JWT may SELECT the row under RLS, in the payload shape Supabase Realtime sends
 * (`{ids, data: {schema, table, commit_timestamp, type, columns, record, old_record, errors}}`).
 *
 * RLS is decided once per change for all distinct claims in one SQL call (realtime.visible_to).
 * DELETE follows Supabase's documented rule: a deleted row cannot be checked against RLS, so the
 * event goes to every matching binding (filters do not apply to deletes either) and, when the
 * table has RLS, `old_record` carries the primary key only.
 */
import type { Database, JwtClaims } from '../database';
import { NOTIFY_CHANNEL, captureNewTables, pruneChanges } from './change-capture';
import { matchesFilters } from './match-filter';
import type { ResolvedBinding } from './resolve-bindings';
import { loadPublishedTables, tableKey, type TableInfo } from './table-catalog';

export interface ChangeSubscriber {
  readonly bindings: readonly ResolvedBinding[];
  /** Claims in force now (they change on `access_token`). */
  claims(): JwtClaims;
  deliver(payload: { ids: number[]; data: ChangeData }): void;
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

/** Supabase's limit before it strips large values and reports 413 in `errors`. */
const MAX_RECORD_BYTES = 1024 * 1024;
const BATCH = 200;

function asRecord(v: unknown): Record<string, unknown> | null {
  const o = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>) : null;
}

function pick(rec: Record<string, unknown> | null, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (rec) for (const k of keys) if (k in rec) out[k] = rec[k];
  return out;
}

function shrink(rec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(rec).filter(([, v]) => Buffer.byteLength(JSON.stringify(v) ?? '') <= 64));
}

function parseBoolArray(v: unknown): boolean[] {
  if (Array.isArray(v)) return v.map((x) => x === true || x === 't');
  if (typeof v === 'string') return v.replace(/[{}]/g, '').split(',').filter(Boolean).map((x) => x === 't' || x === 'true');
  return [];
}

export class ChangeDispatcher {
  private readonly subscribers = new Set<ChangeSubscriber>();
  private catalog = new Map<string, TableInfo>();
  private lastId = 0;
  private draining: Promise<void> | null = null;
  private again = false;
  private unlisten: (() => Promise<void>) | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly db: Database,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.refreshCatalog();
    const { rows } = await this.db.query<{ max: string | null }>('select max(id)::text as max from realtime.changes');
    // Changes made before this server started are not replayed: Supabase does not either.
    this.lastId = Number(rows[0]?.max ?? 0);
    this.unlisten = await this.db.listen(NOTIFY_CHANNEL, () => this.kick());
    this.pruneTimer = setInterval(() => {
      pruneChanges(this.db, this.lastId).catch((err: unknown) => this.log(`realtime: prune failed: ${String(err)}`));
    }, 30_000);
    this.pruneTimer.unref();
  }

  getCatalog = (): Map<string, TableInfo> => this.catalog;

  refreshCatalog = async (): Promise<void> => {
    await captureNewTables(this.db);
    this.catalog = await loadPublishedTables(this.db);
  };

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
    await this.unlisten?.().catch(() => undefined);
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
      const { rows } = await this.db.query<ChangeRow>(
        `select id::text as id, schema_name, table_name, type, record, old_record,
                to_char(commit_timestamp at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as commit_timestamp
           from realtime.changes where id > $1 order by id limit ${BATCH}`,
        [this.lastId],
      );
      for (const row of rows) {
        if (this.closed) return;
        try {
          await this.dispatch(row);
        } catch (err) {
          this.log(`realtime: change ${row.id} on ${row.schema_name}.${row.table_name} not delivered: ${err instanceof Error ? err.message : String(err)}`);
        }
        this.lastId = Number(row.id);
      }
      if (rows.length < BATCH) return;
    }
  }

  private async tableInfo(row: ChangeRow, record: Record<string, unknown> | null): Promise<TableInfo | undefined> {
    const key = tableKey(row.schema_name, row.table_name);
    let info = this.catalog.get(key);
    // A migration may have altered the table since the catalog was read.
    const stale = info && record && Object.keys(record).some((k) => !info!.columns.some((c) => c.name === k));
    if (!info || stale) {
      await this.refreshCatalog();
      info = this.catalog.get(key);
    }
    return info;
  }

  private async dispatch(row: ChangeRow): Promise<void> {
    if (this.subscribers.size === 0) return;
    const record = asRecord(row.record);
    const old = asRecord(row.old_record);
    const targets = (b: ResolvedBinding): boolean =>
      (b.event === '*' || b.event === row.type) &&
      (b.schema === '*' || b.schema === row.schema_name) &&
      (b.table === '*' || b.table === row.table_name);
    const candidates = [...this.subscribers].filter((sub) => sub.bindings.some(targets));
    if (candidates.length === 0) return;
    const info = await this.tableInfo(row, record);
    if (!info) return; // the table left the publication
    const data = this.buildData(row, info, record, old);

    const filtered = candidates
      .map((sub) => ({
        sub,
        ids: sub.bindings
          .filter((b) => targets(b) && (row.type === 'DELETE' || matchesFilters(b.filters, record, info.columns)))
          .map((b) => b.id),
      }))
      .filter((m) => m.ids.length > 0);
    if (filtered.length === 0) return;

    let visible: (m: { sub: ChangeSubscriber }) => boolean = () => true;
    if (row.type !== 'DELETE') {
      const byClaims = new Map<string, number>();
      const claimsList: JwtClaims[] = [];
      const keys = filtered.map(({ sub }) => {
        const claims = sub.claims();
        const key = JSON.stringify(claims);
        if (!byClaims.has(key)) {
          byClaims.set(key, claimsList.length);
          claimsList.push(claims);
        }
        return key;
      });
      const { rows: vis } = await this.db.transaction((tx) =>
        tx.query<{ v: unknown }>('select realtime.visible_to($1::bigint, $2::jsonb) as v', [row.id, JSON.stringify(claimsList)]),
      );
      const allowed = parseBoolArray(vis[0]?.v);
      const verdict = new Map(filtered.map((m, i) => [m.sub, allowed[byClaims.get(keys[i]!)!] === true]));
      visible = (m) => verdict.get(m.sub) === true;
    }
    for (const m of filtered) {
      if (visible(m)) m.sub.deliver({ ids: m.ids, data });
    }
  }

  private buildData(
    row: ChangeRow,
    info: TableInfo,
    record: Record<string, unknown> | null,
    old: Record<string, unknown> | null,
  ): ChangeData {
    const data: ChangeData = {
      schema: row.schema_name,
      table: row.table_name,
      commit_timestamp: row.commit_timestamp,
      type: row.type,
      columns: info.columns.map((c) => ({ name: c.name, type: c.type })),
      errors: null,
    };
    const tooLarge = Buffer.byteLength(JSON.stringify(record ?? old ?? {})) > MAX_RECORD_BYTES;
    const fit = (r: Record<string, unknown>): Record<string, unknown> => (tooLarge ? shrink(r) : r);
    if (row.type !== 'DELETE') data.record = fit(record ?? {});
    if (row.type === 'UPDATE') {
      // Without REPLICA IDENTITY FULL the WAL (and so Supabase) only knows the old key.
      data.old_record = fit(info.replicaIdentityFull ? old ?? {} : pick(old, info.primaryKey));
    } else if (row.type === 'DELETE') {
      const full = info.replicaIdentityFull && !info.rlsEnabled;
      data.old_record = fit(full ? old ?? {} : pick(old, info.primaryKey));
    }
    if (tooLarge) data.errors = ['Error 413: Payload Too Large'];
    return data;
  }
}
