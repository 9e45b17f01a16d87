import type { CatalogColumn, CatalogFunction, CatalogRelation, SchemaCatalog } from './introspect-schema';

/**
 * Renders a catalog as the `Database` type `supabase gen types typescript` writes: per schema
 * `Tables` (Row, Insert, Update, Relationships), `Views`, `Functions`, `Enums`, `CompositeTypes`,
 * then the `Tables<>`, `TablesInsert<>`, `TablesUpdate<>`, `Enums<>`, `CompositeTypes<>` helpers and
 * `Constants`, formatted as Prettier formats the CLI's output (two spaces, no semicolons). Same input,
 * same text: everything is sorted by name.
 *
 * Not inferred (postgres-meta does it; no migration of ours needs it): relationships of views.
 */
export function renderDatabaseTypes(catalog: SchemaCatalog, header: string): string {
  const out: string[] = [header.trimEnd(), '', ...JSON_TYPE, '', 'export type Database = {'];
  for (const schema of [...catalog.schemas].sort(byText)) out.push(...indent(schemaBlock(catalog, schema), 1));
  out.push('}', '', `type DefaultSchema = Database[Extract<keyof Database, ${JSON.stringify(defaultSchema(catalog))}>]`, '', ...HELPERS, '', ...constantsBlock(catalog), '');
  return out.join('\n');
}

const byText = (a: string, b: string) => a.localeCompare(b);
const byName = <T extends { name: string }>(a: T, b: T) => byText(a.name, b.name);

function defaultSchema(catalog: SchemaCatalog): string {
  return catalog.schemas.includes('public') ? 'public' : [...catalog.schemas].sort(byText)[0]!;
}

const JSON_TYPE = ['export type Json =', '  | string', '  | number', '  | boolean', '  | null', '  | { [key: string]: Json | undefined }', '  | Json[]'];

function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

function indent(lines: string[], levels: number): string[] {
  const pad = '  '.repeat(levels);
  return lines.map((l) => (l ? pad + l : l));
}

/** `name: TYPE`, or, past Prettier's 80 columns for a union, one `| member` a line. */
function member(name: string, type: string, depth: number, optional = false): string[] {
  const head = `${key(name)}${optional ? '?' : ''}:`;
  const line = `${head} ${type}`;
  const parts = splitUnion(type);
  if ('  '.repeat(depth).length + line.length <= 80 || parts.length < 2) return [line];
  return [head, ...parts.map((p) => `  | ${p}`)];
}

function splitUnion(type: string): string[] {
  // Only top-level unions of literals and simple names are split (enum values, `string | null`).
  return /^[^{}()[\]]+$/.test(type) ? type.split(' | ') : [type];
}

function block(name: string, body: string[]): string[] {
  if (body.length === 0) return [`${key(name)}: {`, '  [_ in never]: never', '}'];
  return [`${key(name)}: {`, ...indent(body, 1), '}'];
}

interface TypeContext {
  catalog: SchemaCatalog;
}

/** Postgres type name → TypeScript, as postgres-meta maps it. */
function tsType(format: string, ctx: TypeContext): string {
  if (format === 'bool') return 'boolean';
  if (['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'].includes(format)) return 'number';
  if (['bytea', 'bpchar', 'varchar', 'date', 'text', 'citext', 'time', 'timetz', 'timestamp', 'timestamptz', 'uuid', 'vector'].includes(format)) return 'string';
  if (format === 'json' || format === 'jsonb') return 'Json';
  if (format === 'void') return 'undefined';
  if (format === 'record') return 'Record<string, unknown>';
  if (format.startsWith('_')) return `${wrap(tsType(format.slice(1), ctx))}[]`;
  const { catalog } = ctx;
  const enumType = catalog.enums.find((e) => e.name === format);
  if (enumType) return `Database[${JSON.stringify(enumType.schema)}]["Enums"][${JSON.stringify(enumType.name)}]`;
  const composite = catalog.composites.find((c) => c.name === format);
  if (composite) return `Database[${JSON.stringify(composite.schema)}]["CompositeTypes"][${JSON.stringify(composite.name)}]`;
  const relation = catalog.relations.find((r) => r.name === format);
  if (relation) return `Database[${JSON.stringify(relation.schema)}][${JSON.stringify(relation.kind === 'table' ? 'Tables' : 'Views')}][${JSON.stringify(relation.name)}]["Row"]`;
  return 'unknown';
}

/** Parentheses for a union before `[]`. */
function wrap(type: string): string {
  return splitUnion(type).length > 1 ? `(${type})` : type;
}

function columnsOf(catalog: SchemaCatalog, relation: CatalogRelation): CatalogColumn[] {
  return catalog.columns.filter((c) => c.relationId === relation.id).sort(byName);
}

function rowLines(catalog: SchemaCatalog, relation: CatalogRelation, depth: number): string[] {
  const ctx = { catalog };
  const lines = columnsOf(catalog, relation).flatMap((c) => member(c.name, `${tsType(c.format, ctx)}${c.isNullable ? ' | null' : ''}`, depth));
  // A function of one row of this table is a computed column PostgREST can select.
  const rowArgument = [relation.name, `${relation.schema}.${relation.name}`];
  const computed = catalog.functions.filter((f) => f.schema === relation.schema && rowArgument.includes(f.identityArguments)).sort(byName);
  for (const fn of computed) lines.push(...member(fn.name, `${tsType(fn.returnType, ctx)} | null`, depth));
  return lines;
}

function relationshipLines(catalog: SchemaCatalog, relation: CatalogRelation): string[] {
  const rels = catalog.relationships
    .filter((r) => r.schema === relation.schema && r.relation === relation.name)
    .sort((a, b) => byText(a.foreignKeyName, b.foreignKeyName) || byText(a.referencedRelation, b.referencedRelation));
  if (rels.length === 0) return ['Relationships: []'];
  return [
    'Relationships: [',
    ...rels.flatMap((r) =>
      indent(
        [
          '{',
          `  foreignKeyName: ${JSON.stringify(r.foreignKeyName)}`,
          `  columns: ${listLiteral(r.columns)}`,
          `  isOneToOne: ${r.isOneToOne}`,
          `  referencedRelation: ${JSON.stringify(r.referencedRelation)}`,
          `  referencedColumns: ${listLiteral(r.referencedColumns)}`,
          '},',
        ],
        1,
      ),
    ),
    ']',
  ];
}

function listLiteral(items: string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
}

function tableBlock(catalog: SchemaCatalog, table: CatalogRelation, depth: number): string[] {
  const ctx = { catalog };
  const columns = columnsOf(catalog, table);
  const insert = columns.flatMap((c) => {
    if (!c.isWritable) return [`${key(c.name)}?: never`];
    return member(c.name, `${tsType(c.format, ctx)}${c.isNullable ? ' | null' : ''}`, depth + 2, c.isNullable || c.hasDefault);
  });
  const update = columns.flatMap((c) => {
    if (!c.isWritable) return [`${key(c.name)}?: never`];
    return member(c.name, `${tsType(c.format, ctx)}${c.isNullable ? ' | null' : ''}`, depth + 2, true);
  });
  return [
    ...block('Row', rowLines(catalog, table, depth + 2)),
    ...block('Insert', insert),
    ...block('Update', update),
    ...relationshipLines(catalog, table),
  ];
}

function viewBlock(catalog: SchemaCatalog, view: CatalogRelation, depth: number): string[] {
  const ctx = { catalog };
  const columns = columnsOf(catalog, view);
  const writable = (c: CatalogColumn) => (c.isUpdatable ? member(c.name, `${tsType(c.format, ctx)} | null`, depth + 2, true) : [`${key(c.name)}?: never`]);
  return [
    ...block('Row', rowLines(catalog, view, depth + 2)),
    ...(view.isUpdatable ? [...block('Insert', columns.flatMap(writable)), ...block('Update', columns.flatMap(writable))] : []),
    ...relationshipLines(catalog, view),
  ];
}

/** The return type as members of an object (returns table, or a row type) or as one type. */
function functionReturn(catalog: SchemaCatalog, fn: CatalogFunction): { members: string[] } | { type: string } {
  const ctx = { catalog };
  const tableArgs = fn.args.filter((a) => a.mode === 'table');
  if (tableArgs.length > 0) return { members: tableArgs.map((a) => `${key(a.name)}: ${tsType(a.type, ctx)}`) };
  const relation = catalog.relations.find((r) => r.id === fn.returnRelationId);
  if (relation) return { members: columnsOf(catalog, relation).map((c) => `${key(c.name)}: ${tsType(c.format, ctx)}${c.isNullable ? ' | null' : ''}`) };
  return { type: tsType(fn.returnType, ctx) };
}

/** `Returns: T` (`T[]` for a set), an object inline while it fits 80 columns, else one member a line. */
function returnsLines(catalog: SchemaCatalog, fn: CatalogFunction, depth: number): string[] {
  const ret = functionReturn(catalog, fn);
  const set = fn.returnsSet ? '[]' : '';
  if ('type' in ret) return [`Returns: ${fn.returnsSet ? wrap(ret.type) : ret.type}${set}`];
  const inline = `Returns: { ${ret.members.join('; ')} }${set}`;
  if ('  '.repeat(depth).length + inline.length <= 80) return [inline];
  return ['Returns: {', ...indent(ret.members, 1), `}${set}`];
}

function functionArgs(catalog: SchemaCatalog, fn: CatalogFunction): string {
  const inputs = fn.args.filter((a) => a.mode === 'in');
  if (inputs.length === 0) return 'Record<PropertyKey, never>';
  return `{ ${inputs.map((a) => `${key(a.name)}${a.hasDefault ? '?' : ''}: ${tsType(a.type, { catalog })}`).join('; ')} }`;
}

const overloadsOf = (fns: CatalogFunction[], name: string) => fns.filter((f) => f.name === name).length;

function functionsBlock(catalog: SchemaCatalog, schema: string, depth: number): string[] {
  // As postgres-meta: a function is callable over RPC when all its inputs are named, or it has one input.
  const fns = catalog.functions
    .filter((f) => f.schema === schema)
    .filter((f) => {
      const inputs = f.args.filter((a) => a.mode === 'in' || a.mode === 'inout' || a.mode === 'variadic');
      return inputs.every((a) => a.name !== '') || inputs.length === 1;
    })
    .sort(byName);
  const names = [...new Set(fns.map((f) => f.name))];
  return names.flatMap((name) => {
    const overloads = fns
      .filter((f) => f.name === name)
      .map((f) => [`Args: ${functionArgs(catalog, f)}`, ...returnsLines(catalog, f, overloadsOf(fns, f.name) > 1 ? depth + 3 : depth + 2)])
      .sort((a, b) => byText(a.join('\n'), b.join('\n')));
    if (overloads.length === 1) return [`${key(name)}: {`, ...indent(overloads[0]!, 1), '}'];
    return [`${key(name)}:`, ...overloads.flatMap((o) => ['  | {', ...indent(o, 3), '    }'])];
  });
}

function schemaBlock(catalog: SchemaCatalog, schema: string): string[] {
  const relations = catalog.relations.filter((r) => r.schema === schema).sort(byName);
  const depth = 2;
  const tables = relations.filter((r) => r.kind === 'table').flatMap((t) => [`${key(t.name)}: {`, ...indent(tableBlock(catalog, t, depth + 1), 1), '}']);
  const views = relations.filter((r) => r.kind === 'view').flatMap((v) => [`${key(v.name)}: {`, ...indent(viewBlock(catalog, v, depth + 1), 1), '}']);
  const enums = catalog.enums
    .filter((e) => e.schema === schema)
    .sort(byName)
    .flatMap((e) => member(e.name, e.values.map((v) => JSON.stringify(v)).join(' | '), depth + 1));
  const composites = catalog.composites
    .filter((c) => c.schema === schema)
    .sort(byName)
    .flatMap((c) => block(c.name, c.attributes.flatMap((a) => member(a.name, `${tsType(a.type, { catalog })} | null`, depth + 2))));
  return [
    `${key(schema)}: {`,
    ...indent(
      [
        ...block('Tables', tables),
        ...block('Views', views),
        ...block('Functions', functionsBlock(catalog, schema, depth + 1)),
        ...block('Enums', enums),
        ...block('CompositeTypes', composites),
      ],
      1,
    ),
    '}',
  ];
}

function constantsBlock(catalog: SchemaCatalog): string[] {
  const lines = ['export const Constants = {'];
  for (const schema of [...catalog.schemas].sort(byText)) {
    const enums = catalog.enums.filter((e) => e.schema === schema).sort(byName);
    lines.push(`  ${key(schema)}: {`);
    if (enums.length === 0) lines.push('    Enums: {},');
    else lines.push('    Enums: {', ...enums.map((e) => `      ${key(e.name)}: ${listLiteral(e.values)},`), '    },');
    lines.push('  },');
  }
  lines.push('} as const');
  return lines;
}

/** The helper types of the generated file, with the same names and parameters as the CLI's. */
const HELPERS = `export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof Database },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof (Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        Database[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof Database }
  ? (Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      Database[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof Database },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof Database }
  ? Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof Database },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof Database }
  ? Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof Database },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never,
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof Database }
  ? Database[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof Database },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never,
> = PublicCompositeTypeNameOrOptions extends { schema: keyof Database }
  ? Database[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never`.split('\n');
