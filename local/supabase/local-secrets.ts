import { randomBytes } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateEcKey, type StoredEcKey } from './auth/jwt-keys';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writePrivateFile } from './private-dir';

export interface LocalSecrets {
  jwtSecret: string;
  ecKey: StoredEcKey;
}

/**
 * The JWT secret and ES256 key of a local instance. With a state directory they are read from (or
 * written once to) `secrets.json` there, so keys and sessions survive restarts; without one they are
 * random per instance. An explicit `jwtSecret` always wins.
 */
export async function loadLocalSecrets(stateDir: string | null, jwtSecret?: string): Promise<LocalSecrets> {
  if (stateDir === null) return { jwtSecret: jwtSecret ?? randomSecret(), ecKey: await generateEcKey() };
  const file = join(stateDir, 'secrets.json');
  let stored: Partial<LocalSecrets> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<LocalSecrets>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const secrets: LocalSecrets = {
    jwtSecret: jwtSecret ?? (typeof stored.jwtSecret === 'string' && stored.jwtSecret.length >= 32 ? stored.jwtSecret : randomSecret()),
    ecKey: stored.ecKey && typeof stored.ecKey.kid === 'string' ? stored.ecKey : await generateEcKey(),
  };
  if (secrets.jwtSecret !== stored.jwtSecret || secrets.ecKey !== stored.ecKey) {
    await ensurePrivateDir(stateDir);
    await writePrivateFile(file, JSON.stringify(secrets, null, 2) + '\n');
  } else {
    await chmod(file, PRIVATE_FILE_MODE); // older versions may have left it readable
  }
  return secrets;
}

function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}
