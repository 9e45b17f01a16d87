import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServeFileOptions {
  /**
   * Origins allowed to read the file from a page, answered as S3 answers a bucket's CORS rule for
   * GET/HEAD (no rule: no CORS headers, so a page's fetch fails). Default `['*']`, like the local stack.
   */
  corsOrigins?: string[];
}

/**
 * Serves one file over HTTP on 127.0.0.1 (free port) the way a presigned S3 GET answers: byte
 * ranges (206 with Content-Range, 416 past the end) and CORS only for the allowed origins.
 */
export async function serveFile(file: string, contentType: string, options: ServeFileOptions = {}): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const { size } = await stat(file);
  const corsOrigins = options.corsOrigins ?? ['*'];
  let count = 0;
  const server: Server = createServer((req, res) => {
    count += 1;
    const origin = req.headers.origin;
    const cors: Record<string, string> = {};
    if (origin !== undefined && (corsOrigins.includes('*') || corsOrigins.includes(origin))) {
      cors['access-control-allow-origin'] = corsOrigins.includes('*') ? '*' : origin;
      cors['access-control-expose-headers'] = 'Content-Length, Content-Range, Content-Type, ETag, Accept-Ranges';
      cors.vary = 'Origin';
    }
    if (req.method === 'OPTIONS') {
      const allowed = cors['access-control-allow-origin'] !== undefined;
      res.writeHead(allowed ? 200 : 403, allowed ? { ...cors, 'access-control-allow-methods': 'GET, HEAD', 'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '' } : {});
      return void res.end();
    }
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
