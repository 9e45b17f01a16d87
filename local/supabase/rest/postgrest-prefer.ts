import type { IncomingMessage } from 'node:http';
import { headerValue } from '../http-io';
import { PostgrestError } from './postgrest-error';

export interface Preferences {
  returnMode: 'representation' | 'minimal' | 'headers-only';
  count?: 'exact' | 'planned' | 'estimated';
  resolution?: 'merge-duplicates' | 'ignore-duplicates';
  missingDefault: boolean;
  tx?: 'commit' | 'rollback';
  maxAffected?: number;
  strict: boolean;
  singleObject: boolean;
  /** Preferences honoured, echoed in `Preference-Applied` (filled by the handler as it applies them). */
  applied: string[];
}

const KNOWN: Record<string, RegExp> = {
  return: /^(representation|minimal|headers-only)$/,
  count: /^(exact|planned|estimated)$/,
  resolution: /^(merge-duplicates|ignore-duplicates)$/,
  missing: /^(default|null)$/,
  handling: /^(strict|lenient)$/,
  tx: /^(commit|rollback)$/,
  'max-affected': /^\d+$/,
  params: /^single-object$/,
  timezone: /^.+$/,
};

/**
 * The `Prefer` header (repeats joined), as PostgREST reads it. Unknown or malformed items are
 * ignored, unless `handling=strict` asks for them to be refused (400 PGRST122).
 */
export function parsePrefer(req: IncomingMessage): Preferences {
  const prefs: Preferences = { returnMode: 'minimal', missingDefault: false, strict: false, singleObject: false, applied: [] };
  const invalid: string[] = [];
  for (const item of (headerValue(req, 'prefer') ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (!(key in KNOWN) || !KNOWN[key]?.test(value)) {
      invalid.push(item);
      continue;
    }
    if (key === 'return') prefs.returnMode = value as Preferences['returnMode'];
    else if (key === 'count') prefs.count = value as Preferences['count'];
    else if (key === 'resolution') prefs.resolution = value as Preferences['resolution'];
    else if (key === 'missing') prefs.missingDefault = value === 'default';
    else if (key === 'handling') prefs.strict = value === 'strict';
    else if (key === 'tx') prefs.tx = value as Preferences['tx'];
    else if (key === 'max-affected') prefs.maxAffected = Number(value);
    else if (key === 'params') prefs.singleObject = true;
  }
  if (prefs.strict && invalid.length > 0) throw new PostgrestError(400, 'PGRST122', 'Invalid preferences given with handling=strict', `Invalid preferences: ${invalid.join(', ')}`);
  return prefs;
}

/** `Preference-Applied` for what a read or write honoured. */
export function appliedHeader(prefs: Preferences, honoured: Array<string | undefined>): Record<string, string> {
  const list = honoured.filter((x): x is string => x !== undefined);
  return list.length > 0 ? { 'Preference-Applied': list.join(', ') } : {};
}

/** 400 PGRST124 when `max-affected` with `handling=strict` is exceeded (the transaction is rolled back). */
export function checkMaxAffected(prefs: Preferences, affected: number): void {
  if (prefs.strict && prefs.maxAffected !== undefined && affected > prefs.maxAffected) {
    throw new PostgrestError(400, 'PGRST124', 'Query result exceeds max-affected preference constraint', `The query affects ${affected} rows`);
  }
}
