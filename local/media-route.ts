import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PREFIXES } from '../shared/domain/keys';

const SERVED_PREFIXES = [PREFIXES.renders, PREFIXES.thumbnails];

/**
 * `GET /media/<key>`: the local stand-in for the CloudFront distribution in front of `renders/` and
 * `thumbnails/` (nothing else in the bucket is reachable), with Range support so a `<video>` can seek.
 */
export async function serveMedia(req: IncomingMessage, res: ServerResponse, s3: S3Client, bucket: string, encodedKey: string): Promise<void> {
  let key: string;
  try {
    key = encodedKey.split('/').map(decodeURIComponent).join('/');
  } catch {
    res.writeHead(400).end('bad key');
    return;
  }
  if (!SERVED_PREFIXES.some((p) => key.startsWith(p)) || key.includes('..')) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  const range = typeof req.headers.range === 'string' ? req.headers.range : undefined;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
    const headers: Record<string, string> = {
      'content-type': out.ContentType ?? 'application/octet-stream',
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=86400',
      'access-control-allow-origin': '*',
    };
    if (out.ContentLength !== undefined) headers['content-length'] = String(out.ContentLength);
    if (out.ContentRange) headers['content-range'] = out.ContentRange;
    if (out.ETag) headers.etag = out.ETag;
    res.writeHead(out.ContentRange ? 206 : 200, headers);
    if (req.method === 'HEAD') {
      (out.Body as Readable | undefined)?.destroy();
      res.end();
      return;
    }
    (out.Body as Readable).pipe(res);
  } catch (err) {
    const status = err instanceof S3ServiceException ? (err.$metadata.httpStatusCode ?? 502) : 502;
    res.writeHead(status === 404 ? 404 : status === 416 ? 416 : 502, { 'content-type': 'text/plain' }).end(status === 404 ? 'Not found' : 'Media unavailable');
  }
}
