import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Serves one file over HTTP on 127.0.0.1 (free port), as the presigned GET of the local S3 server would. */
export async function serveFile(file: string, contentType: string): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const { size } = await stat(file);
  let count = 0;
  const server: Server = createServer((req, res) => {
    count += 1;
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(size), 'accept-ranges': 'none' });
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
