import type { IncomingMessage } from 'node:http';
import { headerValue } from '../http-io';
import { PostgrestError } from './postgrest-error';
import type { SchemaCache } from './schema-cache';

export type OutputFormat =
  | { kind: 'json'; single: boolean; stripNulls: boolean }
  | { kind: 'csv' }
  | { kind: 'plan'; format: 'json' | 'text'; options: string[]; single: boolean };

/**
 * What the client accepts, as PostgREST negotiates it: JSON arrays (optionally `nulls=stripped`),
 * one object (`vnd.pgrst.object`), CSV, or the query plan (`vnd.pgrst.plan`, when enabled).
 * Anything else: 406 PGRST107.
 */
export function negotiate(req: IncomingMessage, cache: SchemaCache): OutputFormat {
  const accept = headerValue(req, 'accept');
  if (!accept) return { kind: 'json', single: false, stripNulls: false };
  const offered = accept.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of offered) {
    const [type = '', ...paramList] = entry.split(';').map((s) => s.trim());
    const params = new Map(paramList.map((p) => { const [k = '', v = ''] = p.split('='); return [k.trim(), v.trim().replace(/^"|"$/g, '')] as const; }));
    const stripNulls = params.get('nulls') === 'stripped';
    switch (type.toLowerCase()) {
      case 'application/json':
      case 'application/vnd.pgrst.array+json':
      case 'application/*':
      case '*/*':
        return { kind: 'json', single: false, stripNulls };
      case 'application/vnd.pgrst.object+json':
      case 'application/vnd.pgrst.object':
        return { kind: 'json', single: true, stripNulls };
      case 'text/csv':
        return { kind: 'csv' };
      case 'application/vnd.pgrst.plan':
      case 'application/vnd.pgrst.plan+json':
      case 'application/vnd.pgrst.plan+text': {
        if (!cache.settings.planEnabled) continue;
        const format = type.endsWith('+text') ? 'text' : type.endsWith('+json') ? 'json' : 'text';
        const options = (params.get('options') ?? '').split('|').filter((o) => ['analyze', 'verbose', 'settings', 'buffers', 'wal'].includes(o));
        const single = (params.get('for') ?? '').includes('vnd.pgrst.object');
        return { kind: 'plan', format, options, single };
      }
      default:
        continue;
    }
  }
  throw new PostgrestError(406, 'PGRST107', `None of these media types are available: ${offered.join(', ')}`);
}

export const CONTENT_TYPES = {
  json: 'application/json; charset=utf-8',
  object: 'application/vnd.pgrst.object+json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  planJson: 'application/vnd.pgrst.plan+json; charset=utf-8',
  planText: 'application/vnd.pgrst.plan+text; charset=utf-8',
};

/** The schema a request addresses: `Accept-Profile` (reads) or `Content-Profile` (writes), one of the exposed ones. */
export function requestSchema(req: IncomingMessage, cache: SchemaCache): string {
  const schemas = cache.schemas;
  const write = !['GET', 'HEAD'].includes(req.method ?? 'GET');
  const asked = headerValue(req, write ? 'content-profile' : 'accept-profile');
  if (asked === undefined) return schemas[0] ?? 'public';
  if (!schemas.includes(asked)) throw new PostgrestError(406, 'PGRST106', `Invalid schema: ${asked}`, null, `Only the following schemas are exposed: ${schemas.join(', ')}`);
  return asked;
}
