import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from './supabase/private-dir';

export interface LocalCredentials {
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
  /** The LTX stand-in's API key: random on its own, never derived from another key (the S3 key id is in every presigned URL). */
  ltxApiKey: string;
}

const freshLtxApiKey = (): string => `ltx-local-${randomBytes(24).toString('base64url')}`;

function fresh(): LocalCredentials {
  return { s3AccessKeyId: `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`, s3SecretAccessKey: randomBytes(24).toString('base64url'), ltxApiKey: freshLtxApiKey() };
}

/**
 * The local stand-ins' keys: generated on first start and kept beside its data (so a persisted
 * stack keeps working across restarts), never written into the code. In-memory stacks get new ones.
 */
export async function loadLocalCredentials(dataDir: string | null): Promise<LocalCredentials> {
  if (!dataDir) return fresh();
  const file = join(dataDir, 'credentials.json');
  let created = fresh();
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<LocalCredentials>;
    if (stored.s3AccessKeyId && stored.s3SecretAccessKey) {
      if (stored.ltxApiKey) return { s3AccessKeyId: stored.s3AccessKeyId, s3SecretAccessKey: stored.s3SecretAccessKey, ltxApiKey: stored.ltxApiKey };
      // A data directory from before the stand-in had a key of its own: keep the S3 keys, add one.
      created = { s3AccessKeyId: stored.s3AccessKeyId, s3SecretAccessKey: stored.s3SecretAccessKey, ltxApiKey: freshLtxApiKey() };
    }
  } catch {
    // First start: nothing stored yet.
  }
  await ensurePrivateDir(dataDir);
  await writePrivateFile(file, JSON.stringify(created, null, 2));
  return created;
}
