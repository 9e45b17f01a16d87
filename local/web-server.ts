import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import { serveFunctionUrl, type FunctionUrlHandler, type FunctionUrlOptions } from './function-url/serve-function-url';
import { serveMedia } from './media-route';

export interface WebServerOptions {
  port: number;
  host?: string;
  /** The web API's Lambda handler (handlers/api.ts), served as its Function URL serves it. */
  api: FunctionUrlHandler;
  /** The Function URL's identity and the function's settings, as in the deployed stack. */
  functionUrl: FunctionUrlOptions;
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
 * The local stack's front door (default http://127.0.0.1:3000): one origin for what AWS serves from
 * three. `/media/…` stands in for CloudFront, the demo page's files (and `/config.json`) for the web
 * host, and every other request goes to the web API's Function URL stand-in, whose Lambda handler
 * alone decides the route (404 and 405 included).
 */
export async function startWebServer(opts: WebServerOptions): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const read = req.method === 'GET' || req.method === 'HEAD';
    const route = async () => {
      if (read && path.startsWith('/media/')) return serveMedia(req, res, opts.s3(), opts.bucket, path.slice('/media/'.length));
      if (read && path === '/config.json' && opts.publicConfig) {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(opts.publicConfig));
        return;
      }
      if (read && opts.staticDir && (await serveStatic(opts.staticDir, path, res))) return;
      return serveFunctionUrl(req, res, opts.api, opts.functionUrl);
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

/** Serves the page's file at `path`; false when there is none (the request is someone else's). */
async function serveStatic(dir: string, path: string, res: ServerResponse<IncomingMessage>): Promise<boolean> {
  const relative = normalize(decodeURIComponent(path === '/' ? '/index.html' : path)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dir, relative);
  if (!file.startsWith(dir)) return false;
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' }).end(await readFile(file));
  return true;
}
