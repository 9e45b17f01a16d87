import type { ForeignKeyRow, ViewColumnRow } from './schema-catalog';
import { keyOf, sameName, type ComputedRelationship, type ForeignKeyRelationship, type FunctionInfo, type QualifiedName, type TableInfo } from './schema-types';

/**
 * Relationships as PostgREST derives them from foreign keys: each FK is many-to-one (one-to-one when
 * its columns are also a unique key), plus its inverse; FKs seen through views (a view column that
 * reads an FK column under the same name) give the same relationships for the view; two FKs of a
 * junction table whose columns are part of its primary key give a many-to-many.
 */
export function buildRelationships(fks: ForeignKeyRow[], viewUsage: ViewColumnRow[], tables: Map<string, TableInfo>): ForeignKeyRelationship[] {
  const direct: ForeignKeyRelationship[] = fks.map((fk) => {
    const table = { schema: fk.schema, name: fk.table_name };
    const foreignTable = { schema: fk.foreign_schema, name: fk.foreign_table };
    return {
      kind: 'fk',
      table,
      foreignTable,
      isSelf: sameName(table, foreignTable),
      cardinality: fk.one_to_one ? 'one-to-one' : 'many-to-one',
      constraint: fk.constraint_name,
      columns: fk.columns.map((c, i) => [c, fk.foreign_columns[i] ?? ''] as [string, string]),
      tableIsView: false,
      foreignIsView: false,
    };
  });
  const withViews = [...direct, ...viewRelationships(direct, viewUsage, tables)];
  const m2m = manyToMany(withViews, tables);
  const inverse = withViews.map((r): ForeignKeyRelationship => ({
    ...r,
    table: r.foreignTable,
    foreignTable: r.table,
    cardinality: r.cardinality === 'many-to-one' ? 'one-to-many' : 'one-to-one',
    columns: r.columns.map(([a, b]) => [b, a]),
    tableIsView: r.foreignIsView,
    foreignIsView: r.tableIsView,
  }));
  return [...withViews, ...inverse, ...m2m];
}

/** View columns that read a table column under the same name, per view. */
function viewColumnSources(viewUsage: ViewColumnRow[], tables: Map<string, TableInfo>): Map<string, Array<{ view: QualifiedName }>> {
  // key: "tableSchema.table.column" -> views exposing that column under its own name
  const out = new Map<string, Array<{ view: QualifiedName }>>();
  for (const u of viewUsage) {
    const view = { schema: u.view_schema, name: u.view_name };
    if (!tables.get(keyOf(view))?.columns.has(u.column_name)) continue;
    const key = `${u.table_schema}.${u.table_name}.${u.column_name}`;
    const list = out.get(key) ?? [];
    list.push({ view });
    out.set(key, list);
  }
  return out;
}

function viewRelationships(direct: ForeignKeyRelationship[], viewUsage: ViewColumnRow[], tables: Map<string, TableInfo>): ForeignKeyRelationship[] {
  const sources = viewColumnSources(viewUsage, tables);
  /** Views that expose every one of `cols` of `table`. */
  const viewsExposing = (table: QualifiedName, cols: string[]): QualifiedName[] => {
    const per = cols.map((c) => (sources.get(`${table.schema}.${table.name}.${c}`) ?? []).map((s) => keyOf(s.view)));
    const first = per[0] ?? [];
    return [...new Set(first.filter((v) => per.every((p) => p.includes(v))))].map((k) => {
      const dot = k.indexOf('.');
      return { schema: k.slice(0, dot), name: k.slice(dot + 1) };
    });
  };
  const out: ForeignKeyRelationship[] = [];
  for (const r of direct) {
    const fromViews = viewsExposing(r.table, r.columns.map(([c]) => c));
    const toViews = viewsExposing(r.foreignTable, r.columns.map(([, c]) => c));
    for (const v of fromViews) out.push({ ...r, table: v, isSelf: false, tableIsView: true });
    for (const v of toViews) out.push({ ...r, foreignTable: v, isSelf: false, foreignIsView: true });
    for (const v1 of fromViews) for (const v2 of toViews) out.push({ ...r, table: v1, foreignTable: v2, isSelf: sameName(v1, v2), tableIsView: true, foreignIsView: true });
  }
  return out;
}

function manyToMany(rels: ForeignKeyRelationship[], tables: Map<string, TableInfo>): ForeignKeyRelationship[] {
  const byTable = new Map<string, ForeignKeyRelationship[]>();
  for (const r of rels) if (r.cardinality === 'many-to-one' || r.cardinality === 'one-to-one') byTable.set(keyOf(r.table), [...(byTable.get(keyOf(r.table)) ?? []), r]);
  const out: ForeignKeyRelationship[] = [];
  for (const [jt, list] of byTable) {
    const pk = new Set(tables.get(jt)?.primaryKey ?? []);
    for (const a of list) {
      for (const b of list) {
        if (a.constraint === b.constraint) continue;
        const jtCols = [...a.columns.map(([c]) => c), ...b.columns.map(([c]) => c)];
        if (!jtCols.every((c) => pk.has(c))) continue;
        out.push({
          kind: 'fk',
          table: a.foreignTable,
          foreignTable: b.foreignTable,
          isSelf: sameName(a.foreignTable, b.foreignTable),
          cardinality: 'many-to-many',
          constraint: '',
          columns: [],
          tableIsView: a.foreignIsView,
          foreignIsView: b.foreignIsView,
          junction: { table: a.table, constraint1: a.constraint, constraint2: b.constraint, sourceColumns: a.columns, targetColumns: b.columns },
        });
      }
    }
  }
  return out;
}

/** Functions of one row-type argument returning rows of a table: embeddable like a relationship. */
export function computedRelationships(functions: FunctionInfo[]): ComputedRelationship[] {
  return functions.flatMap((f) =>
    f.firstArgTable && f.returnTable && f.args.length >= 1 && f.args.slice(1).every((a) => a.hasDefault)
      ? [{ kind: 'computed' as const, table: f.firstArgTable, foreignTable: f.returnTable, function: { schema: f.schema, name: f.name }, toOne: !f.returnsSet || f.rows === 1 }]
      : [],
  );
}
