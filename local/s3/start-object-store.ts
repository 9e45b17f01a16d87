import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';
import AWSAccount from '@20minutes/s3rver/lib/models/account.js';
import { describeError } from '../../shared/domain/errors';
import type { ObjectCreated, ObjectCreatedReason } from '../../shared/domain/object-created-event';
import { ContainedStore } from './contained-store';
import { bucketCors } from './cors-configuration';
import { LOCAL_RENDER_PAGE_ORIGIN } from '../../remotion/local-page-origin';
import { pipelineBucketCorsRules, type PipelineBucketCorsOrigins } from '../../shared/domain/bucket-cors';
import { verifyPostPolicy } from './post-policy';
import { sendS3Error } from './s3-error-response';
import { verifySigV4 } from './verify-sigv4';
import { hasBodyDigest, replayRequest, verifyBodyDigests } from './body-digests';
import { readBody } from '../read-request-body';

/**
 * The local S3: @20minutes/s3rver for storage, behind a thin HTTP front that adds what it lacks:
 * - SigV4 verification of header-signed and presigned requests with our key only (s3rver's own
 *   check rejects the SDK's ListObjectsV2 and knows a built-in S3RVER/S3RVER key); SigV2 and
 *   anonymous requests are refused as a private bucket does (GET/HEAD under `publicReadPrefixes` excepted);
 * - browser-form POST uploads must carry a valid SigV4 policy (s3rver stores them unchecked);
 * - object-created notifications with S3's `reason` (s3rver reports CompleteMultipartUpload as a
 *   POST and gives copies no ETag), a monotonic sequencer, and the object's real size and ETag;
 * - switchable faults (500 InternalError, 503 SlowDown) for the fault-injection suite.
 * Presigned PUTs: every header listed in X-Amz-SignedHeaders (content-type, content-length when
 * signed) is part of the signature, so a PUT sending another type or size is refused.
 */

export type ObjectCreatedNotification = Pick<ObjectCreated, 'bucket' | 'key' | 'size' | 'etag' | 'sequencer' | 'reason'>;

export type S3Fault = { kind: 'error'; status: 500 | 503; code: 'InternalError' | 'SlowDown'; times?: number; method?: 'GET' | 'PUT' | 'HEAD' };

export interface ObjectStoreOptions {
  /** Default 4568; 0 picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** Where objects are kept; null keeps them in a temporary directory removed at stop. */
  dataDir: string | null;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * The origins of the bucket's two CORS rules (shared/domain/bucket-cors.ts, the same rules as the
   * AWS bucket): PUT from `uploadOrigins`, ranged GET/HEAD from `renderPageOrigins`. Default: uploads
   * from any origin, reads from the local Remotion renderer's page only.
   */
  corsOrigins?: PipelineBucketCorsOrigins;
  /** Key prefixes anyone may GET/HEAD without a signature (default none, as a private bucket). */
  publicReadPrefixes?: string[];
  /** Largest browser-form POST accepted (default 64 MiB). */
  maxPostBytes?: number;
  log?: (line: string) => void;
}

export interface LocalObjectStore {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: 'us-east-1';
  onObjectCreated(listener: (event: ObjectCreatedNotification) => void): () => void;
  setFault(fault: S3Fault | null): void;
  stop(): Promise<void>;
}

const REASON_BY_S3RVER_EVENT: Record<string, ObjectCreatedReason | undefined> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Copy': 'CopyObject',
  // s3rver reports both a form POST and CompleteMultipartUpload as ObjectCreated:Post; the request tells which.
  'ObjectCreated:Post': 'POST Object',
};

interface S3rverEvent {
  Records: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } } }>;
}

/** Monotonic, fixed-width hex: later writes sort after earlier ones, as S3's sequencer does per key. */
function sequencerFactory(): () => string {
  let last = 0n;
  return () => {
    const now = BigInt(Date.now()) * 1000n;
    last = now > last ? now : last + 1n;
    return last.toString(16).toUpperCase().padStart(18, '0');
  };
}

export async function startObjectStore(options: ObjectStoreOptions): Promise<LocalObjectStore> {
  const { bucket, accessKeyId, secretAccessKey } = options;
  const host = options.host ?? '127.0.0.1';
  const cors = bucketCors(pipelineBucketCorsRules(options.corsOrigins ?? { uploadOrigins: ['*'], renderPageOrigins: [LOCAL_RENDER_PAGE_ORIGIN] }));
  const publicReadPrefixes = options.publicReadPrefixes ?? [];
  const maxPostBytes = options.maxPostBytes ?? 64 * 1024 * 1024;
  const log = options.log ?? (() => {});
  const directory = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'villa-s3-')));

  const s3rver = new S3rver({
    silent: true,
    directory,
    vhostBuckets: false,
    // The front verifies signatures (verify-sigv4.ts); s3rver's own check mis-signs bucket URLs ending in "/".
    allowMismatchedSignatures: true,
    configureBuckets: [{ name: bucket, configs: [cors.xml] }],
  });
  // Keys resolve inside the bucket and copies need a signed source, at the storage layer (contained-store.ts).
  const store = new ContainedStore(directory);
  s3rver.store = s3rver.context.store = store;
  s3rver.on('error', (err: unknown) => log(`s3rver: ${describeError(err)}`));
  await s3rver.configureBuckets();
  const account = new AWSAccount(`local-${accessKeyId}`, 'villa-video local');
  account.createKeyPair(accessKeyId, secretAccessKey);

  const listeners = new Set<(event: ObjectCreatedNotification) => void>();
  const requestContext = new AsyncLocalStorage<{ completesMultipart: boolean }>();
  const nextSequencer = sequencerFactory();
  const pendingLookups = new Set<Promise<void>>();
  let fault: S3Fault | null = null;

  const notify = (event: ObjectCreatedNotification): void => {
    log(`object created: ${event.reason} s3://${event.bucket}/${event.key} (${event.size} bytes)`);
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        log(`object-created listener threw: ${describeError(err)}`);
      }
    }
  };

  s3rver.on('event', (raw: S3rverEvent) => {
    const record = raw.Records[0];
    if (!record) return;
    let reason = REASON_BY_S3RVER_EVENT[record.eventName];
    if (!reason) return;
    if (reason === 'POST Object' && requestContext.getStore()?.completesMultipart) reason = 'CompleteMultipartUpload';
    const { name } = record.s3.bucket;
    const { key, size, eTag } = record.s3.object;
    const sequencer = nextSequencer();
    if (typeof size === 'number' && typeof eTag === 'string') {
      notify({ bucket: name, key, size, etag: eTag.replace(/"/g, ''), sequencer, reason });
      return;
    }
    // A copy's event carries no ETag: read it from the stored object.
    const lookup = s3rver.store
      .getMetadata(name, key)
      .then((meta) => notify({ bucket: name, key, size: Number(meta['content-length']), etag: String(meta.etag).replace(/"/g, ''), sequencer, reason }))
      .catch((err: unknown) => log(`could not read ${key} after ${reason}: ${describeError(err)}`))
      .finally(() => pendingLookups.delete(lookup));
    pendingLookups.add(lookup);
  });

  const s3rverHandler = s3rver.callback();
  const forward = (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> =>
    store.withRequest(req, () =>
      requestContext.run({ completesMultipart: req.method === 'POST' && url.searchParams.has('uploadId') }, () => s3rverHandler(req, res)),
    );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';

    if (method === 'OPTIONS') return answerPreflight(req, res, url);
    // The front's own refusals carry the CORS headers of the rule S3 would pick: origin AND method.
    const corsHeaders = cors.responseHeaders(req.headers.origin, method);

    if (fault && (fault.method === undefined || fault.method === method)) {
      const { status, code } = fault;
      if (fault.times !== undefined && --fault.times <= 0) fault = null;
      log(`fault injected: ${method} ${url.pathname} -> ${status} ${code}`);
      const message = code === 'SlowDown' ? 'Please reduce your request rate.' : 'We encountered an internal error. Please try again.';
      return sendS3Error(res, status, code, message, corsHeaders);
    }

    const authorization = req.headers.authorization;
    const credential = url.searchParams.get('X-Amz-Credential');
    if ((authorization && !authorization.startsWith('AWS4-HMAC-SHA256 ')) || url.searchParams.has('Signature')) {
      return sendS3Error(res, 400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.', corsHeaders);
    }
    if (authorization || credential !== null || url.searchParams.has('X-Amz-Algorithm')) {
      const refusal = verifySigV4({ method, url: req.url ?? '/', headers: req.headers }, { accessKeyId, secretAccessKey });
      if (refusal) {
        log(`refused ${method} ${url.pathname}: ${refusal.code}`);
        return sendS3Error(res, refusal.status, refusal.code, refusal.message, corsHeaders, refusal.details);
      }
      // s3rver reads the copy source with decodeURI, which leaves "%2F" as is; S3 decodes it fully.
      const copySource = req.headers['x-amz-copy-source'];
      if (typeof copySource === 'string') {
        try {
          req.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(copySource));
        } catch {
          return sendS3Error(res, 400, 'InvalidArgument', `Invalid copy source encoding: ${copySource}`, corsHeaders);
        }
      }
      // S3 checks the body against the digests the request names before storing anything.
      if (hasBodyDigest(req)) {
        const body = await readBody(req, maxPostBytes);
        if (body === null) return sendS3Error(res, 400, 'EntityTooLarge', `The local S3 verifies digests of bodies up to ${maxPostBytes} bytes.`, corsHeaders);
        const mismatch = verifyBodyDigests(req, body);
        if (mismatch) {
          log(`refused ${method} ${url.pathname}: ${mismatch.code}`);
          return sendS3Error(res, mismatch.status, mismatch.code, mismatch.message, corsHeaders);
        }
        return forward(replayRequest(req, body), res, url);
      }
      return forward(req, res, url);
    }

    const isFormUpload = method === 'POST' && /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
    if (isFormUpload) return handleFormUpload(req, res, url, corsHeaders);

    const key = decodeURIComponent(url.pathname.split('/').slice(2).join('/'));
    if ((method === 'GET' || method === 'HEAD') && key !== '' && publicReadPrefixes.some((prefix) => key.startsWith(prefix))) {
      return forward(req, res, url);
    }
    return sendS3Error(res, 403, 'AccessDenied', 'Access Denied', corsHeaders);
  }

  /** Preflights are answered here, from the same rules s3rver matches: S3 echoes the origin and says the rule's max age (s3rver answers `*` and none). */
  function answerPreflight(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> | void {
    if (url.pathname.split('/')[1] !== bucket) return forward(req, res, url);
    const answer = cors.preflight(req.headers);
    if (!answer.allowed) return sendS3Error(res, answer.status, answer.code, answer.message, undefined);
    res.writeHead(200, { ...answer.headers, 'Content-Length': 0 });
    res.end();
  }

  async function handleFormUpload(req: IncomingMessage, res: ServerResponse, url: URL, corsHeaders: Record<string, string> | undefined): Promise<void> {
    const body = await readBody(req, maxPostBytes);
    if (body === null) return sendS3Error(res, 400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${maxPostBytes} bytes.`, corsHeaders);
    let form: FormData;
    try {
      form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] as string } }).formData();
    } catch {
      return sendS3Error(res, 400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.', corsHeaders);
    }
    const fields = new Map<string, string>();
    let fileSize = 0;
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') fields.set(name.toLowerCase(), value);
      else if (name === 'file') fileSize = value.size;
    }
    const refusal = verifyPostPolicy(fields, fileSize, bucket, { accessKeyId, secretAccessKey });
    if (refusal) return sendS3Error(res, refusal.status, refusal.code, refusal.message, corsHeaders);
    // The body is consumed: hand s3rver a replay of it on the same socket.
    const replay = replayRequest(req, body);
    return forward(replay, res, url);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`request failed: ${req.method} ${req.url}: ${describeError(err)}`);
      if (!res.headersSent) sendS3Error(res, 500, 'InternalError', 'We encountered an internal error. Please try again.', undefined);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4568, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  log(`object store on http://${host}:${port}, bucket ${bucket}, data in ${directory}`);

  let stopped = false;
  return {
    endpoint: `http://${host}:${port}`,
    bucket,
    accessKeyId,
    secretAccessKey,
    region: 'us-east-1',
    onObjectCreated(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setFault(next) {
      fault = next === null ? null : { ...next };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled([...pendingLookups]);
      listeners.clear();
      account.revokeAccessKey(accessKeyId);
      s3rver.logger.exceptions.unhandle();
      s3rver.logger.close();
      if (options.dataDir === null) await rm(directory, { recursive: true, force: true });
    },
  };
}
