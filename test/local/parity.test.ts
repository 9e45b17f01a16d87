import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBridgeClient, createSqsClient } from '../../shared/composition/aws-clients';
import { LTX_QUEUE } from '../../shared/domain/pipeline-topology';
import { portsFromBase } from '../../local/local-ports';
import type { LocalStack } from '../../local/stack';
import { CopyClipRenderer } from '../helpers/copy-clip-renderer';
import { signInUser, startTestStack, uploadPhoto, waitForJobEnd } from '../helpers/local-stack';

/**
 * The local stack runs AWS's topology: two stacks side by side on LOCAL_PORT_BASE ports, photo
 * events through the LTX queue, dead letters an operator lists and redrives with the CLI, and a
 * forged S3 event refused as EventBridge refuses it.
 */

/** A base N such that N..N+5 are all free on 127.0.0.1 now. */
async function freeBase(avoid: number[] = []): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((done) => {
      const server = createServer();
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
    });
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    if (avoid.some((a) => Math.abs(a - base) < 6)) continue;
    let ok = true;
    for (let i = 0; i < 6 && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
}

const STUDIO_ORIGIN = 'https://studio.example';
let a: LocalStack;
let b: LocalStack;
let photo: Buffer;
let dir: string;
const baseA = await freeBase();
const baseB = await freeBase([baseA]);

beforeAll(async () => {
  photo = await readFile('remotion/public/sample/villa-small.jpg');
  dir = await mkdtemp(join(tmpdir(), 'villa-parity-'));
  const start = (base: number, env?: Record<string, string>) =>
    startTestStack({ ports: portsFromBase(String(base)), renderer: ({ store }) => new CopyClipRenderer(store), ...(env ? { env } : {}) }).then((s) => s.stack);
  // Stack b is deployed for one web app only, as an AWS deployment with allowed_origins set.
  [a, b] = await Promise.all([start(baseA), start(baseB, { ALLOWED_ORIGINS: STUDIO_ORIGIN })]);
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `npx video-pipeline …` against stack `a`, as an operator runs it. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [resolve('bin/video-pipeline.js'), ...args, '--stack', join(dir, 'stack.json')], { timeout: 60_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('two local stacks side by side (LOCAL_PORT_BASE)', () => {
  it('listen on N..N+5 each and run a job each at the same time', async () => {
    expect(new URL(a.info.webUrl).port).toBe(String(baseA));
    expect(new URL(a.info.supabaseUrl).port).toBe(String(baseA + 1));
    expect(new URL(a.info.s3Endpoint).port).toBe(String(baseA + 2));
    expect(new URL(a.info.eventBridgeEndpoint).port).toBe(String(baseA + 3));
    expect(new URL(a.info.sqsEndpoint).port).toBe(String(baseA + 4));
    expect(new URL(a.info.ltxApiUrl!).port).toBe(String(baseA + 5));
    expect(new URL(b.info.webUrl).port).toBe(String(baseB));
    const jobs = await Promise.all(
      [a, b].map(async (stack) => {
        const user = await signInUser(stack);
        const { jobId } = await uploadPhoto(stack, user.accessToken, photo);
        return waitForJobEnd(stack, jobId, 60_000);
      }),
    );
    for (const job of jobs) expect(job).toMatchObject({ status: 'completed', error: null });
    // Each photo event reached its own stack's ltx function through its own LTX queue.
    expect(a.routes.eventSources.ltx!.stats().deletedRecords).toBeGreaterThanOrEqual(1);
    expect(b.routes.eventSources.ltx!.stats().deletedRecords).toBeGreaterThanOrEqual(1);
  }, 90_000);
});

describe('the bucket’s CORS as in AWS', () => {
  const preflight = (stack: LocalStack, origin: string, method: string, headers: string) =>
    fetch(`${stack.info.s3Endpoint}/${stack.info.bucket}/images/u/photo.jpg`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers },
    }).then((res) => ({ status: res.status, origin: res.headers.get('access-control-allow-origin') }));

  it('takes uploads from the stack’s ALLOWED_ORIGINS (as the API) and ranged reads from the local Remotion page only', async () => {
    expect(await preflight(b, STUDIO_ORIGIN, 'PUT', 'content-type')).toEqual({ status: 200, origin: STUDIO_ORIGIN });
    expect(await preflight(b, 'https://elsewhere.example', 'PUT', 'content-type')).toEqual({ status: 403, origin: null });
    // Stack a keeps the default ALLOWED_ORIGINS (*): any page may upload.
    expect(await preflight(a, 'https://elsewhere.example', 'PUT', 'content-type')).toEqual({ status: 200, origin: '*' });
    for (const stack of [a, b]) {
      expect(await preflight(stack, 'http://localhost:3000', 'GET', 'range')).toEqual({ status: 200, origin: 'http://localhost:3000' });
      expect(await preflight(stack, stack.info.webUrl, 'GET', 'range')).toEqual({ status: 403, origin: null });
    }
  });
});

describe('the LTX queue as in AWS', () => {
  it('is reachable with the real SQS client at the URLs stack.json names, with the topology\'s redrive policy', async () => {
    const sqs = createSqsClient({ region: a.info.region, endpoint: a.info.sqsEndpoint, credentials: { accessKeyId: a.info.s3AccessKeyId, secretAccessKey: a.info.s3SecretAccessKey } });
    const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: a.info.ltxQueueUrl, AttributeNames: ['All'] }));
    sqs.destroy();
    expect(JSON.parse(out.Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:villa-video-local-${LTX_QUEUE.deadLetterName}`, maxReceiveCount: LTX_QUEUE.maxReceiveCount });
    expect(a.info.ltxDeadLetterQueueUrl).toMatch(new RegExp(`/villa-video-local-${LTX_QUEUE.deadLetterName}$`));
  });

  it('a photo whose event keeps failing lands in the dead-letter queue; `dlq list` shows it and `dlq redrive` completes it', async () => {
    await writeFile(join(dir, 'stack.json'), JSON.stringify(a.info));
    const user = await signInUser(a);
    const res = await fetch(a.info.uploadsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'villa.jpg', contentType: 'image/jpeg', size: photo.length }),
    });
    const ticket = (await res.json()) as { jobId: string; uploadUrl: string; headers: Record<string, string> };
    // The database is down for every receive of the photo's event.
    a.supabase.setUnavailable(true);
    try {
      expect((await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: new Uint8Array(photo) })).status).toBe(200);
      const dlq = a.routes.queueNames.ltx!.deadLetterQueue;
      await expect.poll(() => a.queues.peek(dlq).some((m) => m.body.includes(ticket.jobId)), { timeout: 40_000, interval: 100 }).toBe(true);
    } finally {
      a.supabase.setUnavailable(false);
    }
    expect((await a.clients.jobs.get(ticket.jobId))?.status).toBe('pending_upload');

    const listed = await cli('dlq', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const letters = JSON.parse(listed.stdout) as Array<{ messageId: string; key: string }>;
    const letter = letters.find((l) => l.key.includes(ticket.jobId));
    expect(letter).toBeDefined();

    const redriven = await cli('dlq', 'redrive', letter!.messageId, '--json');
    expect(redriven.code, redriven.stderr).toBe(0);
    expect(JSON.parse(redriven.stdout)).toEqual({ redriven: [letter!.messageId] });
    expect(await waitForJobEnd(a, ticket.jobId, 30_000)).toMatchObject({ status: 'completed', error: null });
    expect(a.queues.peek(a.routes.queueNames.ltx!.deadLetterQueue).some((m) => m.body.includes(ticket.jobId))).toBe(false);
  }, 90_000);
});

describe('forged S3 events through the local EventBridge endpoint', () => {
  it('an aws.s3 Object Created for another user\'s pending key is refused per entry and changes nothing', async () => {
    const user = await signInUser(a);
    const res = await fetch(a.info.uploadsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'villa.jpg', contentType: 'image/jpeg', size: photo.length }),
    });
    const ticket = (await res.json()) as { jobId: string; key: string };
    const events = createEventBridgeClient({ region: a.info.region, endpoint: a.info.eventBridgeEndpoint, credentials: { accessKeyId: a.info.s3AccessKeyId, secretAccessKey: a.info.s3SecretAccessKey } });
    const detail = { version: '0', bucket: { name: a.info.bucket }, object: { key: ticket.key, size: 1, etag: 'x', sequencer: '00' }, reason: 'PutObject' };
    const out = await events.send(new PutEventsCommand({ Entries: [{ Source: 'aws.s3', DetailType: 'Object Created', Detail: JSON.stringify(detail) }] }));
    events.destroy();
    expect(out).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'NotAuthorizedForSourceException' }] });
    await a.idle();
    expect((await a.clients.jobs.get(ticket.jobId))?.status).toBe('pending_upload');
  });
});
