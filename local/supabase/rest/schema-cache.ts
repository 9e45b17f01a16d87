import type { SqlExecutor } from '../database/database';
import { readColumns, readForeignKeys, readFunctions, readPrimaryKeys, readRoleSettings, readViewColumnUsage, type FunctionRow } from './schema-catalog';
import { buildRelationships, computedRelationships } from './schema-relationships';
import { keyOf, type FunctionInfo, type QualifiedName, type Relationship, type TableInfo } from './schema-types';

export type { FunctionInfo, Relationship, TableInfo } from './schema-types';

/** A miss (unknown table or function) reloads the cache at most this often. */
const RELOAD_ON_MISS_MS = 200;

/** PostgREST settings read from `alter role authenticator set pgrst.*` (its in-database configuration). */
export interface DbSettings {
  /** `pgrst.db_schemas`: overrides the configured exposed schemas when set. */
  schemas?: string[];
  planEnabled: boolean;
  aggregatesEnabled: boolean;
  /** `pgrst.db_tx_end`: whether `Prefer: tx=rollback` is honoured. */
  txEnd: 'commit' | 'commit-allow-override' | 'rollback' | 'rollback-allow-override';
  /** `pgrst.db_max_rows`; undefined keeps the configured default. */
  maxRows?: number;
}

function toFunctionInfo(f: FunctionRow): FunctionInfo {
  const modes = f.arg_modes ?? f.all_arg_types.map(() => 'i');
  const names = f.arg_names ?? [];
  const inputs = f.all_arg_types.map((type, i) => ({ type, name: names[i] ?? '', mode: modes[i] ?? 'i' })).filter((a) => a.mode === 'i' || a.mode === 'b' || a.mode === 'v');
  const args = inputs.map((a, i) => ({ name: a.name, type: a.type, hasDefault: i >= inputs.length - f.n_defaults, variadic: a.mode === 'v' }));
  const outs = f.all_arg_types.map((type, i) => ({ type, name: names[i] ?? '', mode: modes[i] ?? 'i' })).filter((a) => a.mode === 'o' || a.mode === 't' || a.mode === 'b');
  const unnamed = args.filter((a) => a.name === '');
  const callable = unnamed.length === 0 || (unnamed.length === 1 && args.length === 1 && ['bytea', 'json', 'jsonb', 'text', 'xml'].includes(unnamed[0]?.type ?? ''));
  const returnTable = f.return_table && f.return_table_schema ? { schema: f.return_table_schema, name: f.return_table } : undefined;
  return {
    schema: f.schema,
    name: f.name,
    args,
    returnsSet: f.returns_set,
    returnType: f.return_type,
    returnsComposite: f.return_kind === 'c' || f.return_type === 'record' || outs.length > 0,
    returnTable,
    returnsVoid: f.return_type === 'void',
    volatile: f.volatile,
    rows: f.rows,
    firstArgTable: f.first_arg_table && f.first_arg_table_schema ? { schema: f.first_arg_table_schema, name: f.first_arg_table } : undefined,
    outColumns: outs.map((o) => ({ name: o.name, type: o.type })),
    callable,
  };
}

/**
 * PostgREST's schema cache: the tables, columns, relationships and functions of the exposed
 * schemas, read from pg_catalog. Request identifiers are looked up here and refused when absent,
 * so request text never reaches SQL as an identifier it did not come from the catalog as.
 */
export class SchemaCache {
  private tables = new Map<string, TableInfo>();
  private functions = new Map<string, FunctionInfo[]>();
  private relationships = new Map<string, Relationship[]>();
  private types = new Map<string, string | null>();
  settings: DbSettings = { planEnabled: false, aggregatesEnabled: false, txEnd: 'commit' };
  /** When a miss last forced a reload (the start-up load does not count). */
  private missReloadAt = 0;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly db: SqlExecutor,
    private readonly configuredSchemas: string[] = ['public'],
    private readonly defaults: Partial<DbSettings> = {},
  ) {}

  /** The exposed schemas; the first is the default for requests without a profile header. */
  get schemas(): string[] {
    return this.settings.schemas ?? this.configuredSchemas;
  }

  async reload(): Promise<void> {
    const role = await readRoleSettings(this.db);
    const flag = (name: string, fallback: boolean): boolean => (role.has(name) ? role.get(name) === 'true' : fallback);
    const txEnd = role.get('db_tx_end');
    const maxRows = role.get('db_max_rows');
    const settings: DbSettings = {
      schemas: role.get('db_schemas')?.split(',').map((s) => s.trim()).filter(Boolean) ?? this.defaults.schemas,
      planEnabled: flag('db_plan_enabled', this.defaults.planEnabled ?? false),
      aggregatesEnabled: flag('db_aggregates_enabled', this.defaults.aggregatesEnabled ?? false),
      txEnd: txEnd === 'commit' || txEnd === 'commit-allow-override' || txEnd === 'rollback' || txEnd === 'rollback-allow-override' ? txEnd : (this.defaults.txEnd ?? 'commit'),
      maxRows: maxRows !== undefined && /^\d+$/.test(maxRows) ? Number(maxRows) : this.defaults.maxRows,
    };
    const schemas = settings.schemas ?? this.configuredSchemas;
    const [cols, pks, fks, usage, fns] = [
      await readColumns(this.db, schemas),
      await readPrimaryKeys(this.db, schemas),
      await readForeignKeys(this.db),
      await readViewColumnUsage(this.db, schemas),
      await readFunctions(this.db, schemas),
    ];
    const tables = new Map<string, TableInfo>();
    for (const r of cols.rows) {
      const key = `${r.schema}.${r.table_name}`;
      let t = tables.get(key);
      if (!t) tables.set(key, (t = { schema: r.schema, name: r.table_name, columns: new Map(), primaryKey: [], isView: r.kind === 'v' || r.kind === 'm' }));
      t.columns.set(r.column_name, { name: r.column_name, type: r.type, nullable: !r.not_null, hasDefault: r.has_default, defaultSql: r.default_sql ?? undefined });
    }
    for (const r of pks.rows) {
      const t = tables.get(`${r.schema}.${r.table_name}`);
      if (t) t.primaryKey = r.columns;
    }
    const functions = new Map<string, FunctionInfo[]>();
    const allFns = fns.rows.map(toFunctionInfo);
    for (const f of allFns) functions.set(keyOf(f), [...(functions.get(keyOf(f)) ?? []), f]);
    const relationships = new Map<string, Relationship[]>();
    const visible = (q: QualifiedName): boolean => schemas.includes(q.schema);
    for (const r of [...buildRelationships(fks.rows, usage.rows, tables), ...computedRelationships(allFns)]) {
      if (!visible(r.foreignTable) || (r.kind === 'fk' && r.junction && !visible(r.junction.table))) continue;
      relationships.set(keyOf(r.table), [...(relationships.get(keyOf(r.table)) ?? []), r]);
    }
    this.settings = settings;
    this.tables = tables;
    this.functions = functions;
    this.relationships = relationships;
  }

  async table(schema: string, name: string): Promise<TableInfo | undefined> {
    const hit = this.tables.get(`${schema}.${name}`);
    if (hit || !(await this.reloadAfterMiss())) return hit;
    return this.tables.get(`${schema}.${name}`);
  }

  tableNow(q: QualifiedName): TableInfo | undefined {
    return this.tables.get(keyOf(q));
  }

  async functionsNamed(schema: string, name: string): Promise<FunctionInfo[]> {
    const hit = this.functions.get(`${schema}.${name}`);
    if (hit || !(await this.reloadAfterMiss())) return hit ?? [];
    return this.functions.get(`${schema}.${name}`) ?? [];
  }

  /** Functions of one argument of `table`'s row type, by name: computed fields. */
  computedField(table: QualifiedName, name: string): FunctionInfo | undefined {
    return [...this.functions.values()].flat().find(
      (f) => f.name === name && f.firstArgTable?.schema === table.schema && f.firstArgTable.name === table.name && !f.returnsSet && f.args.slice(1).every((a) => a.hasDefault),
    );
  }

  relationshipsOf(table: QualifiedName): Relationship[] {
    return this.relationships.get(keyOf(table)) ?? [];
  }

  /** Every table with relationships in `schema`, for "Perhaps you meant" hints. */
  tableNames(schema: string): string[] {
    return [...this.tables.values()].filter((t) => t.schema === schema).map((t) => t.name);
  }

  functionNames(schema: string): string[] {
    return [...this.functions.values()].flat().filter((f) => f.schema === schema && f.callable).map((f) => f.name);
  }

  /** A type name from a request (`::text`) as the catalog spells it, or undefined when no such type exists. */
  async resolveType(name: string): Promise<string | undefined> {
    if (!this.types.has(name)) {
      const r = await this.db.query<{ t: string | null }>('select format_type(to_regtype($1), null) as t', [name]);
      this.types.set(name, r.rows[0]?.t ?? null);
    }
    return this.types.get(name) ?? undefined;
  }

  /** Reloads unless that happened in the last moment; true when it did. */
  async reloadAfterMiss(): Promise<boolean> {
    if (this.inflight) {
      await this.inflight;
      return true;
    }
    if (Date.now() - this.missReloadAt < RELOAD_ON_MISS_MS) return false;
    this.missReloadAt = Date.now();
    this.inflight = this.reload().finally(() => {
      this.inflight = undefined;
    });
    await this.inflight;
    return true;
  }
}
