import type { IncomingHttpHeaders } from 'node:http';
import { S3CorsConfiguration, type S3CorsRule } from '@20minutes/s3rver/lib/models/config.js';
import type { BucketCorsRule } from '../../shared/domain/bucket-cors';

const escapeXml = (text: string): string => text.replace(/[<>&]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[ch] as string);

const elements = (name: string, values: readonly string[]): string => values.map((value) => `<${name}>${escapeXml(value)}</${name}>`).join('');

/** The bucket's CORS rules as PutBucketCors takes them (one <CORSRule> per rule, in order: S3 uses the first that matches). */
export function corsConfigurationXml(rules: readonly BucketCorsRule[]): string {
  const body = rules
    .map(
      (rule) =>
        `<CORSRule>${elements('AllowedOrigin', rule.allowedOrigins)}${elements('AllowedMethod', rule.allowedMethods)}${elements('AllowedHeader', rule.allowedHeaders)}` +
        `${elements('ExposeHeader', rule.exposeHeaders)}<MaxAgeSeconds>${rule.maxAgeSeconds}</MaxAgeSeconds></CORSRule>`,
    )
    .join('');
  return `<CORSConfiguration>${body}</CORSConfiguration>`;
}

export type PreflightAnswer =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; status: 400 | 403; code: 'BadRequest' | 'CORSResponse'; message: string };

/**
 * The bucket's CORS as S3 answers it, for the parts of the local S3 that answer before s3rver does
 * (preflights, the front's own refusals). It matches with s3rver's parsed configuration of the same
 * XML, so the front and s3rver's own answers (its CORS middleware) pick the same rule.
 */
export interface BucketCors {
  /** The configuration handed to s3rver. */
  readonly xml: string;
  /** CORS headers on the answer to a request (success or error), or none when no rule allows its origin and method. */
  responseHeaders(origin: string | undefined, method: string): Record<string, string> | undefined;
  /** S3's answer to an OPTIONS preflight with these request headers. */
  preflight(headers: IncomingHttpHeaders): PreflightAnswer;
}

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/** A rule whose origin is `*` answers `*`; any other echoes the origin (and allows credentials), as S3 does. */
function originHeaders(rule: S3CorsRule, origin: string): Record<string, string> {
  return rule.hasWildcardOrigin
    ? { 'Access-Control-Allow-Origin': '*' }
    : { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' };
}

function ruleHeaders(rule: S3CorsRule): Record<string, string> {
  return {
    'Access-Control-Allow-Methods': rule.allowedMethods.join(', '),
    ...(rule.exposeHeaders.length ? { 'Access-Control-Expose-Headers': rule.exposeHeaders.join(', ') } : {}),
    ...(rule.maxAgeSeconds !== undefined ? { 'Access-Control-Max-Age': String(rule.maxAgeSeconds) } : {}),
  };
}

export function bucketCors(rules: readonly BucketCorsRule[]): BucketCors {
  const empty = rules.find((rule) => rule.allowedOrigins.length === 0);
  // S3 refuses a rule without an origin (MalformedXML); say which list was empty instead.
  if (empty) throw new Error(`the bucket's CORS rule for ${empty.allowedMethods.join('/')} names no origin (is ALLOWED_ORIGINS empty?)`);
  const xml = corsConfigurationXml(rules);
  // Refuses what PutBucketCors refuses (unknown methods, two wildcards in an origin) at start.
  const configuration = S3CorsConfiguration.validate(xml);
  return {
    xml,
    responseHeaders(origin, method) {
      if (origin === undefined) return undefined;
      const rule = configuration.matchRule(origin, method);
      return rule ? { ...originHeaders(rule, origin), ...ruleHeaders(rule), Vary: VARY } : undefined;
    },
    preflight(headers) {
      const header = (name: string): string | undefined => [headers[name] ?? []].flat().join(',') || undefined;
      const origin = header('origin');
      const requestMethod = header('access-control-request-method');
      const requestHeaders = header('access-control-request-headers');
      if (!origin) return { allowed: false, status: 400, code: 'BadRequest', message: 'Insufficient information. Origin request header needed.' };
      if (!requestMethod) return { allowed: false, status: 400, code: 'BadRequest', message: 'Invalid Access-Control-Request-Method: null' };
      const rule = configuration.matchRule(origin, requestMethod);
      const asked = (requestHeaders ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
      if (!rule || !asked.every((header) => rule.allowedHeaders.some((pattern) => pattern.test(header)))) {
        return {
          allowed: false,
          status: 403,
          code: 'CORSResponse',
          message: 'This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.',
        };
      }
      return {
        allowed: true,
        headers: { ...originHeaders(rule, origin), ...ruleHeaders(rule), ...(asked.length ? { 'Access-Control-Allow-Headers': asked.join(', ') } : {}), Vary: VARY },
      };
    },
  };
}
