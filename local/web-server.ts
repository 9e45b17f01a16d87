import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import type { FunctionUrlEvent, FunctionUrlResult } from '../shared/http/function-url';
import { serveFunctionUrl } from './function-url-adapter';
import { serveMedia } from './media-route';
import { isReplayPath } from '../shared/http/replay-endpoint';

export interface WebServerOptions {
  port: number;
  host?: string;
  uploadHandler: (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;
  /** `POST /jobs/{jobId}/replay` (shared/http/replay-endpoint.ts); none → 404. */
  replayHandler?: (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;
  /** The S3 client for `/media/`; a function because the stack creates it after the port is bound. */
  s3: () => S3Client;
  bucket: string;
  /** Folder of the demo page's files (index.html at `/`); none → only the API and media routes. */
  staticDir?: string;
  /** Extra JSON served at `/config.json` for the page (public values only: URLs and the anon key). */
  publicConfig?: Record<string, unknown>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The local stack's front door (default http://127.0.0.1:3000): `POST /uploads` (the presign handler,
 * as its Function URL would serve it), `/media/…` (the CDN's stand-in) and the demo page.
 */
export async function startWebServer(opts: WebServerOptions): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = async () => {
      if (path === '/uploads' || path === '/uploads/') return serveFunctionUrl(req, res, opts.uploadHandler);
      if (opts.replayHandler && isReplayPath(path)) return serveFunctionUrl(req, res, opts.replayHandler);
      if (path.startsWith('/media/') && (req.method === 'GET' || req.method === 'HEAD')) return serveMedia(req, res, opts.s3(), opts.bucket, path.slice('/media/'.length));
      if (path === '/config.json' && opts.publicConfig) {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(opts.publicConfig));
        return;
      }
      if (opts.staticDir && (req.method === 'GET' || req.method === 'HEAD')) return serveStatic(opts.staticDir, path, res);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    };
    route().catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serveStatic(dir: string, path: string, res: import('node:http').ServerResponse): Promise<void> {
  const relative = normalize(decodeURIComponent(path === '/' ? '/index.html' : path)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dir, relative);
  if (!file.startsWith(dir)) {
    res.writeHead(404).end('Not found');
    return;
  }
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' }).end(await readFile(file));
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  }
}
