import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bucketCors } from '../../local/s3/cors-configuration';
import { LOCAL_RENDER_PAGE_ORIGIN } from '../../remotion/local-page-origin';
import { pipelineBucketCorsRules } from '../../shared/domain/bucket-cors';

/** The pipeline bucket's read rule (ranged GET/HEAD from the render page's origin), as the local S3 answers it. */
const clipCors = bucketCors(
  pipelineBucketCorsRules({ uploadOrigins: [], renderPageOrigins: [LOCAL_RENDER_PAGE_ORIGIN] }).filter((rule) => rule.allowedMethods.includes('GET')),
);

/**
 * Serves one file over HTTP on 127.0.0.1 (free port) the way a presigned GET of the local bucket
 * answers: byte ranges (206 with Content-Range, 416 past the end) and the bucket's CORS read rule, so a
 * render only passes if the Remotion page's origin is the one the bucket allows (http://localhost:*).
 */
export async function serveFile(file: string, contentType: string): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const { size } = await stat(file);
  let count = 0;
  const server: Server = createServer((req, res) => {
    count += 1;
    if (req.method === 'OPTIONS') {
      const answer = clipCors.preflight(req.headers);
      res.writeHead(answer.allowed ? 200 : answer.status, answer.allowed ? answer.headers : {});
      return void res.end();
    }
    const cors = clipCors.responseHeaders(req.headers.origin, req.method ?? 'GET') ?? {};
    const headers = { ...cors, 'content-type': contentType, 'accept-ranges': 'bytes', etag: `"${size}"` };
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && (range[1] !== '' || range[2] !== '')) {
      const start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1]);
      const end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
      if (start >= size || start > end) {
        res.writeHead(416, { ...cors, 'content-range': `bytes */${size}` });
        return void res.end();
      }
      res.writeHead(206, { ...headers, 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${size}` });
      if (req.method === 'HEAD') return void res.end();
      return void createReadStream(file, { start, end }).pipe(res);
    }
    res.writeHead(200, { ...headers, 'content-length': String(size) });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/clip.mp4`,
    requests: () => count,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
