/**
 * `npm run gen:types`: writes shared/adapters/supabase/database.types.ts from supabase/migrations.
 * Run it after changing a migration and commit the result with it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { DATABASE_TYPES_FILE, generateDatabaseTypes } from './generate-database-types';

const generated = await generateDatabaseTypes();
const current = await readFile(DATABASE_TYPES_FILE, 'utf8').catch(() => '');
if (current === generated) {
  console.log(`${DATABASE_TYPES_FILE} is up to date`);
} else {
  await writeFile(DATABASE_TYPES_FILE, generated);
  console.log(`wrote ${DATABASE_TYPES_FILE}`);
}
