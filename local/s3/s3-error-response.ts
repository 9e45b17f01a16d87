import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch] as string);

/**
 * Answers with S3's XML error document. `cors` are the headers of the bucket's CORS rule matching
 * the request's origin and method (cors-configuration.ts), none when no rule does: as S3, a refusal
 * is readable by a browser only from where the request itself would be allowed.
 */
export function sendS3Error(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  cors: Record<string, string> | undefined,
  details: Record<string, string> = {},
): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const extra = Object.entries(details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`;
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
  };
  if (cors) Object.assign(headers, cors);
  res.writeHead(status, headers);
  res.end(body);
}
