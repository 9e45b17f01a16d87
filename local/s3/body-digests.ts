import { createHash } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { crc32 } from 'node:zlib';
import type { SigV4Refusal } from './verify-sigv4';

/**
 * What S3 checks of a PUT's bytes before it stores them
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html):
 * - `Content-MD5`: the base64 MD5 of the body, else 400 BadDigest;
 * - `x-amz-checksum-{sha256,sha1,crc32}`: the base64 digest of the body, else 400 BadDigest;
 * - a header-signed request's `x-amz-content-sha256` (when it is a hash, not UNSIGNED-PAYLOAD or a
 *   STREAMING-* mode): the hex SHA-256 of the body, else 400 XAmzContentSHA256Mismatch.
 * Not verified here: `x-amz-checksum-crc32c` and `-crc64nvme` (no implementation in Node's
 * standard library; the pipeline's clients send no checksum: WHEN_REQUIRED) and aws-chunked bodies.
 */

/** S3's CRC32 checksum: the 4 bytes big-endian, base64. */
function crc32BigEndian(body: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(body));
  return out.toString('base64');
}

type Digest = { header: string; compute: (body: Buffer) => string; name: string };

const DIGESTS: Digest[] = [
  { header: 'content-md5', name: 'Content-MD5', compute: (b) => createHash('md5').update(b).digest('base64') },
  { header: 'x-amz-checksum-sha256', name: 'SHA256', compute: (b) => createHash('sha256').update(b).digest('base64') },
  { header: 'x-amz-checksum-sha1', name: 'SHA1', compute: (b) => createHash('sha1').update(b).digest('base64') },
  { header: 'x-amz-checksum-crc32', name: 'CRC32', compute: (b) => crc32BigEndian(b) },
];

const hashOf = (req: IncomingMessage): string | undefined => {
  const value = req.headers['x-amz-content-sha256'];
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? value : undefined;
};

/** True when the request names a digest of its body that S3 would check. */
export function hasBodyDigest(req: IncomingMessage): boolean {
  return (req.method === 'PUT' || req.method === 'POST') && (hashOf(req) !== undefined || DIGESTS.some((d) => typeof req.headers[d.header] === 'string'));
}

export function verifyBodyDigests(req: IncomingMessage, body: Buffer): SigV4Refusal | null {
  const payloadHash = hashOf(req);
  if (payloadHash !== undefined && createHash('sha256').update(body).digest('hex') !== payloadHash) {
    return { status: 400, code: 'XAmzContentSHA256Mismatch', message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
  }
  for (const digest of DIGESTS) {
    const given = req.headers[digest.header];
    if (typeof given !== 'string') continue;
    if (digest.compute(body) !== given.trim()) {
      const message = digest.header === 'content-md5' ? 'The Content-MD5 you specified did not match what we received.' : `The ${digest.name} you specified did not match the calculated checksum.`;
      return { status: 400, code: 'BadDigest', message };
    }
  }
  return null;
}

/** A request whose body was read, replayed with that body on the same socket (for s3rver). */
export function replayRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = new IncomingMessage(req.socket);
  replay.method = req.method;
  replay.url = req.url;
  replay.headers = req.headers;
  replay.rawHeaders = req.rawHeaders;
  replay.httpVersion = req.httpVersion;
  // Marks the message as fully received: otherwise its end is taken for an abort and the socket destroyed.
  replay.complete = true;
  replay.push(body);
  replay.push(null);
  return replay;
}
