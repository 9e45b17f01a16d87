/** What the schema cache knows, in PostgREST's terms (tables, relationships, routines). */

export interface ColumnInfo {
  name: string;
  /** `format_type()` of the column: safe to splice after `::` because it comes from the catalog. */
  type: string;
  nullable: boolean;
  hasDefault: boolean;
  /** DEFAULT expression from the catalog, for `Prefer: missing=default`. */
  defaultSql?: string;
}

export interface TableInfo {
  schema: string;
  name: string;
  columns: Map<string, ColumnInfo>;
  primaryKey: string[];
  isView: boolean;
}

/** `schema.name` */
export interface QualifiedName {
  schema: string;
  name: string;
}

export type Cardinality = 'many-to-one' | 'one-to-many' | 'one-to-one' | 'many-to-many';

export interface Junction {
  table: QualifiedName;
  constraint1: string;
  constraint2: string;
  /** (junction column, origin column) pairs. */
  sourceColumns: Array<[string, string]>;
  /** (junction column, target column) pairs. */
  targetColumns: Array<[string, string]>;
}

export interface ForeignKeyRelationship {
  kind: 'fk';
  table: QualifiedName;
  foreignTable: QualifiedName;
  isSelf: boolean;
  cardinality: Cardinality;
  constraint: string;
  /** (origin column, target column) pairs; empty for many-to-many (see junction). */
  columns: Array<[string, string]>;
  tableIsView: boolean;
  foreignIsView: boolean;
  junction?: Junction;
}

/** A function taking the origin's row type and returning rows of the target (PostgREST's computed relationship). */
export interface ComputedRelationship {
  kind: 'computed';
  table: QualifiedName;
  foreignTable: QualifiedName;
  function: QualifiedName;
  toOne: boolean;
}

export type Relationship = ForeignKeyRelationship | ComputedRelationship;

export interface FunctionArg {
  /** '' for an unnamed argument. */
  name: string;
  type: string;
  hasDefault: boolean;
  variadic: boolean;
}

export interface FunctionInfo {
  schema: string;
  name: string;
  args: FunctionArg[];
  returnsSet: boolean;
  returnType: string;
  /** true when the result is a row type (table, composite, record): rows become JSON objects. */
  returnsComposite: boolean;
  /** The table or view whose rows it returns, if any: embedding and filters work on it. */
  returnTable?: QualifiedName;
  returnsVoid: boolean;
  volatile: boolean;
  /** Declared `ROWS n` (1 makes a set-returning computed relationship to-one). */
  rows: number;
  /** The table whose row type the first argument is, for computed fields and relationships. */
  firstArgTable?: QualifiedName;
  /** OUT / TABLE columns (`RETURNS TABLE(a int, ...)`), for results that are not a table's rows. */
  outColumns: Array<{ name: string; type: string }>;
  /** PostgREST only exposes functions whose arguments are all named, or one unnamed json/jsonb/text/xml/bytea. */
  callable: boolean;
}

export const sameName = (a: QualifiedName, b: QualifiedName): boolean => a.schema === b.schema && a.name === b.name;
export const keyOf = (q: QualifiedName): string => `${q.schema}.${q.name}`;
