import { EventBridgeClient, EventBridgeServiceException, ListRulesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createEventBridgeClient } from '../../../shared/composition/aws-clients';
import { imagesCreatedPattern } from '../../../shared/domain/event-patterns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobStatusChangedDetailType, jobStatusChangedPattern, PIPELINE_EVENT_SOURCE } from '../../../shared/domain/event-patterns';
import { LocalEventBus } from '../../../local/event-bus/local-event-bus';
import { startPutEventsServer, type PutEventsServer } from '../../../local/event-bus/put-events-server';

let server: PutEventsServer;
let bus: LocalEventBus;
let client: EventBridgeClient;
const heard: unknown[] = [];
const forged: unknown[] = [];
const CREDENTIALS = { accessKeyId: 'EVENTSKEY', secretAccessKey: 'events-secret-0123456789' };
const clientWith = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new EventBridgeClient({ endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

beforeAll(async () => {
  bus = new LocalEventBus({ log: () => {} });
  bus.addRule({ name: 'job-status', pattern: jobStatusChangedPattern(), target: { name: 'mailer', invoke: async (e) => void heard.push(e) } });
  bus.addRule({ name: 'images', pattern: imagesCreatedPattern('bucket'), target: { name: 'ltx', invoke: async (e) => void forged.push(e) } });
  server = await startPutEventsServer({ bus, port: 0, credentials: CREDENTIALS });
  // Built as the pipeline builds it.
  client = createEventBridgeClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: CREDENTIALS });
});
afterAll(async () => {
  client?.destroy();
  await server?.stop();
  await bus?.close();
});

const statusEntry = (status: string) => ({
  Source: PIPELINE_EVENT_SOURCE,
  DetailType: jobStatusChangedDetailType,
  Detail: JSON.stringify({ jobId: 'job-1', userId: 'user-1', status }),
  EventBusName: 'villa-video-pipeline',
});

describe('PutEvents endpoint', () => {
  it('accepts entries from the real EventBridgeClient and puts them on the bus', async () => {
    const time = new Date('2025-05-06T07:08:09Z');
    const out = await client.send(new PutEventsCommand({ Entries: [{ ...statusEntry('completed'), Time: time, Resources: ['arn:local:job/job-1'] }] }));
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    await bus.idle();
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({
      id: out.Entries?.[0]?.EventId,
      source: PIPELINE_EVENT_SOURCE,
      'detail-type': jobStatusChangedDetailType,
      time: '2025-05-06T07:08:09Z',
      resources: ['arn:local:job/job-1'],
      detail: { jobId: 'job-1', userId: 'user-1', status: 'completed' },
    });
    expect(server.recent().at(-1)).toMatchObject({ eventBusName: 'villa-video-pipeline', event: { id: out.Entries?.[0]?.EventId } });
  });

  it('fails bad entries one by one, as EventBridge does, and keeps the good ones', async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          statusEntry('failed'),
          { ...statusEntry('x'), Detail: '[1, 2]' },
          { ...statusEntry('x'), Detail: '{not json' },
          { DetailType: jobStatusChangedDetailType, Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(3);
    expect(out.Entries?.[0]?.EventId).toBeDefined();
    expect(out.Entries?.slice(1).map((e) => e.ErrorCode)).toEqual(['MalformedDetail', 'MalformedDetail', 'InvalidArgument']);
    expect(out.Entries?.[3]?.ErrorMessage).toBe('Parameter(s) Source could not be validated.');
  });

  it('refuses more than 10 entries and more than 256 KB with ValidationException', async () => {
    const tooMany = client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => statusEntry('queued')) }));
    await expect(tooMany).rejects.toBeInstanceOf(EventBridgeServiceException);
    await expect(tooMany).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/between 1 and 10 \(received 11\)/) });
    const big = { ...statusEntry('queued'), Detail: JSON.stringify({ blob: 'x'.repeat(260 * 1024) }) };
    await expect(client.send(new PutEventsCommand({ Entries: [big] }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/over the limit/) });
  });

  it('answers other operations with UnknownOperationException', async () => {
    await expect(client.send(new ListRulesCommand({}))).rejects.toMatchObject({ name: 'UnknownOperationException' });
  });
});

describe('PutEvents endpoint: forged calls change nothing and are answered as AWS answers them', () => {
  const s3Entry = {
    Source: 'aws.s3',
    DetailType: 'Object Created',
    Detail: JSON.stringify({ bucket: { name: 'bucket' }, object: { key: 'images/victim/job.jpg', size: 10, etag: 'x' }, reason: 'PutObject' }),
  };

  it('refuses an unsigned request (MissingAuthenticationTokenException)', async () => {
    const before = server.recent().length;
    const res = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'AWSEvents.PutEvents', 'Content-Type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ Entries: [statusEntry('completed')] }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await res.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    expect(server.recent()).toHaveLength(before);
  });

  it('refuses an unknown key (UnrecognizedClientException) and a wrong secret (InvalidSignatureException)', async () => {
    const before = server.recent().length;
    const unknown = clientWith({ accessKeyId: 'SOMEONEELSE', secretAccessKey: CREDENTIALS.secretAccessKey });
    await expect(unknown.send(new PutEventsCommand({ Entries: [statusEntry('completed')] }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    const wrongSecret = clientWith({ accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: 'guessed' });
    await expect(wrongSecret.send(new PutEventsCommand({ Entries: [statusEntry('completed')] }))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    unknown.destroy();
    wrongSecret.destroy();
    expect(server.recent()).toHaveLength(before);
  });

  it('refuses aws.* sources entry by entry (NotAuthorizedForSourceException), even signed, and routes none of them', async () => {
    const out = await client.send(new PutEventsCommand({ Entries: [s3Entry, statusEntry('queued'), { ...s3Entry, Source: 'aws.events' }] }));
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries?.[0]).toEqual({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' });
    expect(out.Entries?.[1]?.EventId).toBeDefined();
    expect(out.Entries?.[2]?.ErrorCode).toBe('NotAuthorizedForSourceException');
    await bus.idle();
    expect(forged).toEqual([]);
    expect(server.recent().some((r) => r.event.source.startsWith('aws.'))).toBe(false);
  });
});
