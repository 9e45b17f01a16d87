import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pixelBudgetExcess } from '../../shared/domain/image-check';
import { readImageDimensions } from '../../shared/domain/image-dimensions';
import { resolutionSize } from '../../shared/domain/job-options';
import { LTX_CONCURRENCY_ERROR_TYPE, LTX_ERROR_TYPES, LTX_IMAGE_TO_VIDEO_PATH, LTX_MAX_DATA_URI_BYTES } from '../../shared/domain/ltx/ltx-limits';
import { checkLtxRequest, type LtxImageToVideoRequest } from '../../shared/domain/ltx/ltx-request';
import { sniffImageFormat } from './image-format';
import { fetchImageAsLtxDoes, loadImageBytes, type FetchImage } from './image-source';
import { noImageUrls, type ImageUrlPolicy } from './image-url-policy';
import { FaultSwitch, type LtxFault } from './ltx-fault';
import { invalidRequest, LtxHttpError, sendLtxError } from './ltx-http-error';
import { renderMotionClip } from './render-motion-clip';

export type { LtxFault } from './ltx-fault';

export interface LtxServerOptions {
  /** Default 4010; 0 picks a free port. */
  port?: number;
  host?: string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 in LTX's shape otherwise). */
  apiKey?: string;
  /** Beyond this many generations at once: 429 concurrency_limit_error with Retry-After. Default: no cap. */
  maxConcurrency?: number;
  /** Retry-After (seconds) sent with concurrency_limit_error. Default 2. */
  concurrencyRetryAfterSeconds?: number;
  /** How image URLs are fetched; default: LTX's rules (15 MB, 10 s, no redirects). */
  fetchImage?: FetchImage;
  /**
   * Which image URLs are fetched at all (image-url-policy.ts); others are refused before any
   * connection. Default: none, data URIs only. The local stack allows its object store's presigned GETs.
   */
  imageUrls?: ImageUrlPolicy;
  /** 'realistic' holds each answer about 5 s per second of video, like the real service; default 'fast'. */
  speed?: 'fast' | 'realistic';
  /**
   * TEST ONLY: accept any even WIDTHxHEIGHT, duration 1..20 s and fps 1..60 so suites can render tiny
   * clips. The real API accepts only its documented combinations; never set this in the stack.
   */
  allowAnySize?: boolean;
  /**
   * TEST ONLY: answer clips of this size whatever resolution was asked (duration and fps still
   * follow the request), so pipeline suites need not encode 1080p; turned to the request's
   * orientation (a portrait request gets 72x128 for 128x72). The local stack sets it only for tests;
   * the real API always answers the requested size.
   */
  clipSize?: { width: number; height: number };
  log?: (message: string, context?: Record<string, unknown>) => void;
}

export interface LtxServerStats {
  /** Requests to POST /v1/image-to-video, whatever their answer. */
  requests: number;
  /** Videos sent whole. */
  completed: number;
  /** Most requests in progress at once, counting every request from arrival to answer (refused ones too). */
  maxConcurrentSeen: number;
  inFlight: number;
  /** Requests refused with concurrency_limit_error. */
  concurrencyRejected: number;
}

export interface LtxServer {
  url: string;
  stop(): Promise<void>;
  stats(): LtxServerStats;
  setFault(fault: LtxFault | null): void;
  resetStats(): void;
}

/** A JSON body with a data URI of at most 7 MB and a prompt: a little more than that is already abuse. */
const MAX_BODY_BYTES = LTX_MAX_DATA_URI_BYTES + 256 * 1024;
const REALISTIC_SECONDS_PER_VIDEO_SECOND = 5;
/** A hang without `ms` lasts until the client leaves, but never past this. */
const MAX_HANG_MS = 10 * 60_000;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new LtxHttpError(413, LTX_ERROR_TYPES[413], `request body is more than ${MAX_BODY_BYTES} bytes`));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** The size of the answer: the request's, or the test-only clip size turned to the request's orientation. */
function clipSizeFor(resolution: string, testSize: { width: number; height: number } | undefined): { width: number; height: number } {
  const asked = resolutionSize(resolution);
  if (!testSize) return asked;
  const long = Math.max(testSize.width, testSize.height);
  const short = Math.min(testSize.width, testSize.height);
  return asked.height > asked.width ? { width: short, height: long } : { width: long, height: short };
}

/**
 * A stand-in for the LTX-2 API on this machine: the same endpoint, validation and error shapes, each
 * model answered by its own limits (ltx-models.ts: a portrait size on a model without portrait is a
 * 400 naming `resolution`), and a real H.264 MP4 made from the photo by the requested camera motion,
 * portrait included (the photo is cropped around its centre to the clip's shape, then filmed). Image URLs may also be plain
 * http on a loopback host (127.0.0.1, localhost), because the local object store speaks http; the
 * real API takes https only.
 */
export async function startLtxServer(options: LtxServerOptions = {}): Promise<LtxServer> {
  const log = options.log ?? (() => {});
  const fetchAnyImage = options.fetchImage ?? fetchImageAsLtxDoes;
  const imageUrls = options.imageUrls ?? noImageUrls;
  // Refused without a connection, so the answer says nothing of what listens at that address.
  const fetchImage: FetchImage = (uri) => {
    if (!imageUrls(new URL(uri))) throw invalidRequest('image_uri is not a URL this local LTX server fetches: it takes data URIs and presigned GETs of the local object store only');
    return fetchAnyImage(uri);
  };
  const faults = new FaultSwitch();
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  let counters = { requests: 0, completed: 0, maxConcurrentSeen: 0, concurrencyRejected: 0 };
  /** Every request from arrival to answer; `generating` only those admitted past the concurrency cap. */
  let inFlight = 0;
  let generating = 0;

  async function generate(request: LtxImageToVideoRequest, res: ServerResponse, requestId: string, fault: LtxFault | null, gone: AbortSignal) {
    const image = await loadImageBytes(request.image_uri, fetchImage);
    const format = sniffImageFormat(image);
    if (!format) throw invalidRequest('image_uri must be a JPEG, PNG or WebP image; its content is none of these');
    // By the header, before any decoder allocates for what it declares (a 34-byte WebP can declare 8192x8192).
    const declared = readImageDimensions(`image/${format}`, image);
    if (!declared) throw invalidRequest(`image_uri is a damaged ${format.toUpperCase()} image: its header declares no size`);
    const excess = pixelBudgetExcess(declared);
    if (excess) throw invalidRequest(`image_uri declares ${excess}`);
    const { width, height } = clipSizeFor(request.resolution, options.clipSize);
    const outFile = join(tmpdir(), `ltx-local-${requestId}.mp4`);
    const started = Date.now();
    try {
      await renderMotionClip({
        image,
        format,
        width,
        height,
        fps: request.fps,
        durationSeconds: request.duration,
        ...(request.camera_motion ? { motion: request.camera_motion } : {}),
        outFile,
        signal: gone,
      });
      if (options.speed === 'realistic') {
        await delay(Math.max(0, request.duration * REALISTIC_SECONDS_PER_VIDEO_SECOND * 1000 - (Date.now() - started)), gone);
      }
      if (gone.aborted) return;
      const { size } = await stat(outFile);
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size, 'x-request-id': requestId });
      const truncate = fault?.kind === 'truncated';
      // 'finish' (all bytes handed to the OS) comes before 'close', which frees the in-flight slot.
      if (!truncate) res.once('finish', () => (counters.completed += 1));
      const stream = createReadStream(outFile, truncate ? { end: Math.floor(size / 2) - 1 } : {});
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('end', resolve);
        res.on('close', resolve);
        stream.pipe(res, { end: !truncate });
      });
      if (truncate) {
        // The declared length is never reached: the client must see a cut, not a short video. Ending
        // the socket (not destroying it) lets the half that was written arrive first.
        res.socket?.end();
        log('ltx: truncated the answer on purpose', { requestId, sent: Math.floor(size / 2), declared: size });
        return;
      }
      log('ltx: video sent', { requestId, bytes: size, ms: Date.now() - started, motion: request.camera_motion });
    } finally {
      await rm(outFile, { force: true });
    }
  }

  async function handleImageToVideo(req: IncomingMessage, res: ServerResponse, requestId: string, gone: AbortSignal) {
    if (options.apiKey !== undefined) {
      const auth = req.headers.authorization;
      if (!auth) throw new LtxHttpError(401, LTX_ERROR_TYPES[401], 'Missing authorization header');
      if (auth !== `Bearer ${options.apiKey}`) throw new LtxHttpError(401, LTX_ERROR_TYPES[401], 'Invalid API key');
    }
    const fault = faults.take();
    if (fault?.kind === 'rate_limit') {
      throw new LtxHttpError(429, LTX_ERROR_TYPES[429], 'Too many requests. Please try again later.', { 'retry-after': String(fault.retryAfterSeconds) });
    }
    if (fault?.kind === 'server_error') {
      const status = fault.status ?? 500;
      throw new LtxHttpError(status, status === 503 ? LTX_ERROR_TYPES[503] : LTX_ERROR_TYPES[500], 'Unexpected server error (injected fault)');
    }
    if (fault?.kind === 'content_refusal') {
      throw new LtxHttpError(fault.status ?? 422, LTX_ERROR_TYPES[422], 'Content is filtered due to policy restrictions');
    }
    if (options.maxConcurrency !== undefined && generating >= options.maxConcurrency) {
      counters.concurrencyRejected += 1;
      throw new LtxHttpError(429, LTX_CONCURRENCY_ERROR_TYPE, 'Too many concurrent requests. Please try again later.', {
        'retry-after': String(options.concurrencyRetryAfterSeconds ?? 2),
      });
    }
    await admitted(req, res, requestId, gone, fault);
  }

  async function handleValidated(req: IncomingMessage, res: ServerResponse, requestId: string, gone: AbortSignal, fault: LtxFault | null) {
    if (fault?.kind === 'hang') {
      // After admission: a slow generation holds a concurrency slot, as on the real service.
      await delay(Math.min(fault.ms ?? MAX_HANG_MS, MAX_HANG_MS), gone);
      if (gone.aborted) return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') throw invalidRequest(`content-type must be application/json, got ${JSON.stringify(type)}`);
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw invalidRequest('request body is not valid JSON');
    }
    const check = checkLtxRequest(body, { allowLoopbackHttp: true, allowAnySize: options.allowAnySize === true });
    if (!check.ok) throw invalidRequest(check.message);
    await generate(check.value, res, requestId, fault, gone);
  }

  async function admitted(req: IncomingMessage, res: ServerResponse, requestId: string, gone: AbortSignal, fault: LtxFault | null) {
    // Counted as generating from the cap check until the answer is over.
    generating += 1;
    res.on('close', () => (generating -= 1));
    await handleValidated(req, res, requestId, gone, fault);
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const path = (req.url ?? '/').split('?')[0];
    if (path !== LTX_IMAGE_TO_VIDEO_PATH) {
      sendLtxError(res, new LtxHttpError(404, 'not_found_error', `no route for ${req.method} ${path}`), requestId);
      return;
    }
    if (req.method !== 'POST') {
      sendLtxError(res, new LtxHttpError(405, 'invalid_request_error', `${path} accepts POST, got ${req.method}`), requestId);
      return;
    }
    counters.requests += 1;
    inFlight += 1;
    counters.maxConcurrentSeen = Math.max(counters.maxConcurrentSeen, inFlight);
    const gone = new AbortController();
    const onGone = () => gone.abort();
    // The answer is over (sent, refused or abandoned).
    res.on('close', () => {
      inFlight -= 1;
      onGone();
    });
    closing.signal.addEventListener('abort', onGone, { once: true });
    handleImageToVideo(req, res, requestId, gone.signal)
      .catch((err: unknown) => {
        if (err instanceof LtxHttpError) {
          log('ltx: refused', { requestId, status: err.status, type: err.type, message: err.message, ...(err.detail ? { detail: err.detail } : {}) });
          sendLtxError(res, err, requestId);
          return;
        }
        if (gone.signal.aborted) return;
        log('ltx: failed', { requestId, error: (err as Error).message });
        sendLtxError(res, new LtxHttpError(500, LTX_ERROR_TYPES[500], 'Unexpected server error'), requestId);
      })
      .finally(() => {
        closing.signal.removeEventListener('abort', onGone);
        if (!res.writableEnded && !res.destroyed && !res.headersSent && gone.signal.aborted) res.destroy();
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const port = options.port ?? 4010;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  log('ltx: local LTX-2 server listening', { url });

  return {
    url,
    stats: () => ({ ...counters, inFlight }),
    setFault: (fault) => faults.set(fault),
    resetStats: () => {
      counters = { requests: 0, completed: 0, maxConcurrentSeen: inFlight, concurrencyRejected: 0 };
    },
    stop: async () => {
      closing.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
