import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TYPES_FILE, databaseTypesOf, MIGRATIONS_DIR } from '../../../local/database-types/generate-database-types';
import { applyMigrations } from '../../../local/supabase/database/apply-migrations';
import type { Database } from '../../../local/supabase/database/database';
import { createPgliteDatabase } from '../../../local/supabase/database/pglite-database';

const FIXTURE_SQL = fileURLToPath(new URL('./every-shape.sql', import.meta.url));

/** What tsc says of the text as a module of its own (every type it names must resolve). */
async function typeErrors(source: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'database-types-'));
  try {
    const file = join(dir, 'database.types.ts');
    await writeFile(file, source);
    const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [] });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// One embedded Postgres for both: the project's migrations in `public`, every other shape in `fixture`.
let db: Database;
beforeAll(async () => {
  db = await createPgliteDatabase({ dataDir: null });
  await applyMigrations(db, MIGRATIONS_DIR);
  await db.query(await readFile(FIXTURE_SQL, 'utf8'));
});
afterAll(async () => {
  await db?.close();
});

describe('the Database type', () => {
  it('is exactly the checked-in database.types.ts for supabase/migrations (else: npm run gen:types)', async () => {
    const generated = await databaseTypesOf(db, ['public']);
    const checkedIn = await readFile(DATABASE_TYPES_FILE, 'utf8');
    expect(generated, 'shared/adapters/supabase/database.types.ts is stale: run npm run gen:types and commit it').toBe(checkedIn);
  });

  it('renders enums, composites, domains, arrays, identity and generated columns, views, foreign keys and functions as supabase gen types does', async () => {
    const text = await databaseTypesOf(db, ['fixture']);
    expect(await typeErrors(text)).toEqual([]);
    const villas = text.slice(text.indexOf('      villas: {'), text.indexOf('    Views: {'));
    // Row: every column sorted by name, nullability from NOT NULL (and the domain's), a computed column of one row.
    expect(villas).toContain(
      [
        '        Row: {',
        '          address: Database["fixture"]["CompositeTypes"]["address"] | null',
        '          doubled: number | null',
        '          id: number',
        '          mood: Database["fixture"]["Enums"]["mood"] | null',
        '          name: string',
        '          rooms: number',
        '          tags: string[]',
        '          villa_label: string | null',
        '        }',
      ].join('\n'),
    );
    // Identity ALWAYS and generated columns cannot be written; defaults make a column optional.
    expect(villas).toContain('        Insert: {\n          address?: Database["fixture"]["CompositeTypes"]["address"] | null\n          doubled?: never\n          id?: never\n');
    expect(villas).toContain('          name: string\n          rooms: number\n          tags?: string[]\n        }\n        Update: {');
    // Foreign keys, with one-to-one when the referencing columns are unique.
    expect(text).toContain('foreignKeyName: "villa_details_villa_id_fkey"\n            columns: ["villa_id"]\n            isOneToOne: true\n            referencedRelation: "villas"\n            referencedColumns: ["id"]');
    expect(text).toContain('foreignKeyName: "bookings_villa_id_fkey"\n            columns: ["villa_id"]\n            isOneToOne: false');
    // An updatable view has Insert and Update; an aggregate view only a Row.
    expect(text).toContain('      villa_names: {\n        Row: {\n          id: number | null\n          name: string | null\n        }\n        Insert: {\n          id?: number | null');
    expect(text).toContain('      villa_counts: {\n        Row: {\n          mood: Database["fixture"]["Enums"]["mood"] | null\n          n: number | null\n        }\n        Relationships: []');
    // Functions: defaults optional, set of rows, returns table, overloads; no trigger functions.
    expect(text).toContain('      find_villas: {\n        Args: { p_mood: Database["fixture"]["Enums"]["mood"]; p_limit?: number }\n        Returns: {\n          address:');
    expect(text).toContain('          tags: string[]\n        }[]\n      }');
    expect(text).toContain('      villa_stats: {\n        Args: Record<PropertyKey, never>\n        Returns: { villa_id: number; total: number }[]\n      }');
    expect(text).toContain('      echo:\n        | {\n            Args: { p: number }\n            Returns: string\n          }\n        | {\n            Args: { p: string }\n            Returns: string\n          }');
    expect(text).not.toContain('touch_villa');
    expect(text).toContain('    Enums: {\n      mood: "calm" | "stormy" | "sunny"\n    }');
    expect(text).toContain('      address: {\n        street: string | null\n        mood: Database["fixture"]["Enums"]["mood"] | null\n      }');
    expect(text).toContain('export const Constants = {\n  fixture: {\n    Enums: {\n      mood: ["calm", "stormy", "sunny"],\n    },\n  },\n} as const');
  });
});
