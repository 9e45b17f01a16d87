import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalCredentials {
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
}

function fresh(): LocalCredentials {
  return { s3AccessKeyId: `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`, s3SecretAccessKey: randomBytes(24).toString('base64url') };
}

/**
 * The local object store's keys: generated on first start and kept beside its data (so a persisted
 * stack keeps working across restarts), never written into the code. In-memory stacks get new ones.
 */
export async function loadLocalCredentials(dataDir: string | null): Promise<LocalCredentials> {
  if (!dataDir) return fresh();
  const file = join(dataDir, 'credentials.json');
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<LocalCredentials>;
    if (stored.s3AccessKeyId && stored.s3SecretAccessKey) return { s3AccessKeyId: stored.s3AccessKeyId, s3SecretAccessKey: stored.s3SecretAccessKey };
  } catch {
    // First start: nothing stored yet.
  }
  const created = fresh();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(created, null, 2), { mode: 0o600 });
  return created;
}
