import { closest } from './fuzzy-hint';
import { PostgrestError } from './postgrest-error';
import type { SchemaCache } from './schema-cache';
import type { ForeignKeyRelationship, QualifiedName, Relationship } from './schema-types';

function describe(r: ForeignKeyRelationship): { cardinality: string; embedding: string; relationship: string } {
  const cols = (xs: string[]) => `(${xs.join(', ')})`;
  if (r.cardinality === 'many-to-many' && r.junction) {
    const j = r.junction;
    return {
      cardinality: 'many-to-many',
      embedding: `${r.table.name} with ${r.foreignTable.name}`,
      relationship: `${j.table.name} using ${j.constraint1}${cols(j.sourceColumns.map(([c]) => c))} and ${j.constraint2}${cols(j.targetColumns.map(([c]) => c))}`,
    };
  }
  return {
    cardinality: r.cardinality,
    embedding: `${r.table.name} with ${r.foreignTable.name}`,
    relationship: `${r.constraint} using ${r.table.name}${cols(r.columns.map(([c]) => c))} and ${r.foreignTable.name}${cols(r.columns.map(([, c]) => c))}`,
  };
}

function hintFor(r: ForeignKeyRelationship): string {
  return `'${r.foreignTable.name}!${r.cardinality === 'many-to-many' && r.junction ? r.junction.table.name : r.constraint}'`;
}

const singleCol = (r: ForeignKeyRelationship, side: 0 | 1, name: string): boolean => r.cardinality !== 'many-to-many' && r.columns.length === 1 && r.columns[0]?.[side] === name;

/** Does `r` answer to `target` (and `hint`)? PostgREST's findRel, case by case. */
function matches(r: Relationship, target: string, hint: string | undefined): boolean {
  if (r.kind === 'computed') return target === r.function.name;
  if (r.isSelf && r.cardinality !== 'many-to-many') {
    if (hint === undefined) return (target === r.foreignTable.name && r.cardinality === 'one-to-many') || (singleCol(r, 0, target) && r.cardinality === 'many-to-one');
    return target === r.foreignTable.name && r.cardinality === 'one-to-many' && singleCol(r, 1, hint);
  }
  if (hint === undefined) {
    return target === r.foreignTable.name || (!r.foreignIsView && r.cardinality !== 'many-to-many' && (r.constraint === target || singleCol(r, 0, target)));
  }
  return (
    target === r.foreignTable.name &&
    (r.constraint === hint || singleCol(r, 0, hint) || singleCol(r, 1, hint) || (r.cardinality === 'many-to-many' && r.junction?.table.name === hint))
  );
}

/**
 * The relationship an embed names, as PostgREST resolves it: by table, FK constraint, FK column
 * or computed-relationship function, narrowed by `!hint`. None: 400 PGRST200; several: 300 PGRST201.
 */
export function resolveEmbed(cache: SchemaCache, origin: QualifiedName, target: string, hint: string | undefined): Relationship {
  const all = cache.relationshipsOf(origin);
  const found = all.filter((r) => matches(r, target, hint));
  if (found.length === 1 && found[0]) return found[0];
  if (found.length === 0) {
    const close = closest(target, all.map((r) => r.foreignTable.name), 0.33);
    throw new PostgrestError(
      400,
      'PGRST200',
      `Could not find a relationship between '${origin.name}' and '${target}' in the schema cache`,
      `Searched for a foreign key relationship between '${origin.name}' and '${target}'${hint !== undefined ? ` using the hint '${hint}'` : ''} in the schema '${origin.schema}', but no matches were found.`,
      hint === undefined && close ? `Perhaps you meant '${close}' instead of '${target}'.` : null,
    );
  }
  const fks = found.filter((r): r is ForeignKeyRelationship => r.kind === 'fk');
  throw new PostgrestError(
    300,
    'PGRST201',
    `Could not embed because more than one relationship was found for '${origin.name}' and '${target}'`,
    fks.map(describe),
    `Try changing '${target}' to one of the following: ${fks.map(hintFor).join(', ')}. Find the desired relationship in the 'details' key.`,
  );
}

export function isToOne(r: Relationship): boolean {
  return r.kind === 'computed' ? r.toOne : r.cardinality === 'many-to-one' || r.cardinality === 'one-to-one';
}
