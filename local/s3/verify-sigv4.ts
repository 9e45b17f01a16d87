import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * SigV4 verification of S3 requests, signed in the Authorization header or presigned in the query
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html).
 * s3rver verifies signatures too, but builds the canonical URI of bucket requests without the
 * trailing slash today's SDK signs (`/bucket/?list-type=2`), so ListObjectsV2 always failed: the
 * front verifies instead and lets s3rver store. Every header named in SignedHeaders is part of the
 * signature, which is what makes a presigned PUT refuse another Content-Type or Content-Length.
 * Every `x-amz-*` header the request carries must be signed, as S3 requires: otherwise anyone holding
 * a presigned PUT could add metadata, tagging, a website redirect or `x-amz-copy-source` (turning the
 * upload into a copy of another object) without the signer's consent.
 * Not verified: the payload hash against the body (S3 does; the SDK sends a correct one anyway).
 */

export interface SigV4Refusal {
  status: number;
  code: string;
  message: string;
  /** Extra elements of S3's error document (e.g. HeadersNotSigned). */
  details?: Record<string, string>;
}

const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_EXPIRES_S = 7 * 24 * 3600;

const refuse = (code: string, message: string, status = 403): SigV4Refusal => ({ status, code, message });

/** RFC 3986 encoding, as SigV4 wants it: everything but A-Z a-z 0-9 - . _ ~ is %XX. */
const rfc3986 = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function canonicalUri(rawPath: string): string {
  return rawPath.split('/').map((segment) => rfc3986(safeDecode(segment))).join('/');
}

function canonicalQuery(rawQuery: string, omit: string | null): string {
  if (rawQuery === '') return '';
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = safeDecode(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? '' : safeDecode(pair.slice(eq + 1));
      return [rfc3986(key), rfc3986(value)] as const;
    })
    .filter(([key]) => key !== omit)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.trim().replace(/\s+/g, ' ');
}

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  let key = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return key;
}

/** `20240102T030405Z` → epoch ms, or NaN. */
function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : Number.NaN;
}

/**
 * Which service the request must be signed for. S3 carries the payload hash in x-amz-content-sha256
 * (or UNSIGNED-PAYLOAD when presigned); JSON services (EventBridge, SQS) sign the body's SHA-256,
 * which the caller computes from the bytes it read and passes as `bodySha256`.
 */
export type SigV4Service = { service: 's3' } | { service: 'events' | 'sqs'; bodySha256: string };

export function verifySigV4(
  req: { method: string; url: string; headers: IncomingHttpHeaders },
  credentials: { accessKeyId: string; secretAccessKey: string },
  now: number = Date.now(),
  signedFor: SigV4Service = { service: 's3' },
): SigV4Refusal | null {
  const queryAt = req.url.indexOf('?');
  const rawPath = queryAt === -1 ? req.url : req.url.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : req.url.slice(queryAt + 1);
  const query = new URLSearchParams(rawQuery);
  const authorization = headerValue(req.headers, 'authorization');

  let credential: string;
  let signedHeaders: string[];
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  let omit: string | null = null;
  if (authorization !== '') {
    const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(authorization);
    if (!m) return refuse('AuthorizationHeaderMalformed', 'The authorization header is malformed; it requires Credential, SignedHeaders and Signature.', 400);
    [credential, signedHeaders, signature] = [m[1] as string, (m[2] as string).split(';'), m[3] as string];
    amzDate = headerValue(req.headers, 'x-amz-date');
    payloadHash = headerValue(req.headers, 'x-amz-content-sha256');
    if (signedFor.service !== 's3') {
      if (payloadHash !== '' && payloadHash !== signedFor.bodySha256) return refuse('SignatureDoesNotMatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
      payloadHash = signedFor.bodySha256;
    }
    if (payloadHash === '') return refuse('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256', 400);
    const time = parseAmzDate(amzDate);
    if (Number.isNaN(time)) return refuse('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    if (Math.abs(now - time) > MAX_SKEW_MS) return refuse('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  } else {
    if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return refuse('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"', 400);
    const required = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
    if (required.some((name) => !query.has(name))) return refuse('AuthorizationQueryParametersError', `Query-string authentication version 4 requires the ${required.join(', ')} parameters.`, 400);
    credential = query.get('X-Amz-Credential') as string;
    signedHeaders = (query.get('X-Amz-SignedHeaders') as string).split(';');
    signature = query.get('X-Amz-Signature') as string;
    amzDate = query.get('X-Amz-Date') as string;
    payloadHash = query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
    omit = 'X-Amz-Signature';
    const time = parseAmzDate(amzDate);
    const expires = Number(query.get('X-Amz-Expires'));
    if (Number.isNaN(time)) return refuse('AuthorizationQueryParametersError', "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"", 400);
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_S) return refuse('AuthorizationQueryParametersError', `X-Amz-Expires must be between 1 and ${MAX_EXPIRES_S} seconds`, 400);
    if (now > time + expires * 1000) return refuse('AccessDenied', 'Request has expired');
    if (time - now > MAX_SKEW_MS) return refuse('AccessDenied', 'Request is not yet valid');
  }

  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (accessKeyId !== credentials.accessKeyId) return refuse('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (!date || !region || service !== signedFor.service || terminator !== 'aws4_request' || !amzDate.startsWith(date)) {
    return refuse('AuthorizationHeaderMalformed', `The credential scope is malformed: ${credential}`, 400);
  }
  if (!signedHeaders.includes('host')) return refuse('AccessDenied', 'The host header must be signed.');
  // S3: "There were headers present in the request which were not signed" (403 AccessDenied, with
  // HeadersNotSigned naming them), for header-signed and presigned requests alike.
  const unsigned = Object.keys(req.headers).filter((name) => name.toLowerCase().startsWith('x-amz-') && !signedHeaders.includes(name.toLowerCase()));
  if (unsigned.length > 0) {
    return { ...refuse('AccessDenied', 'There were headers present in the request which were not signed'), details: { HeadersNotSigned: unsigned.join(', ') } };
  }

  const canonicalRequest = [
    req.method,
    canonicalUri(rawPath),
    canonicalQuery(rawQuery, omit),
    signedHeaders.map((name) => `${name}:${headerValue(req.headers, name)}\n`).join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const expected = createHmac('sha256', signingKey(credentials.secretAccessKey, date, region, service)).update(stringToSign).digest();
  const provided = Buffer.from(signature, 'hex');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    return refuse('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  return null;
}
