import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient, type Message } from '@aws-sdk/client-sqs';

/**
 * The operator's view of a dead-letter queue, with nothing but SQS's own API, so it works the same
 * against AWS and the local stack's SQS.
 */

export interface DeadLetter {
  messageId: string;
  sentAt: string | undefined;
  receiveCount: number;
  /** What the message was about, when its body is an S3 Object Created event. */
  key: string | undefined;
  body: string;
}

function describe(message: Message): DeadLetter {
  let key: string | undefined;
  try {
    // The EventBridge event itself (a queue's dead letter), or inside Lambda's on-failure record.
    type Event = { detail?: { object?: { key?: unknown } } };
    const parsed = JSON.parse(message.Body ?? '') as Event & { requestPayload?: Event };
    const raw = parsed.detail?.object?.key ?? parsed.requestPayload?.detail?.object?.key;
    if (typeof raw === 'string') key = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    // Not JSON: shown by its body.
  }
  const sent = message.Attributes?.SentTimestamp;
  return {
    messageId: message.MessageId ?? '',
    sentAt: sent ? new Date(Number(sent)).toISOString() : undefined,
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    key,
    body: message.Body ?? '',
  };
}

/**
 * Peeks at up to `limit` dead letters: receives with a zero visibility timeout (they stay available,
 * as the console's "poll for messages" does) until a round brings nothing new.
 */
export async function listDeadLetters(sqs: SQSClient, queueUrl: string, limit = 100): Promise<DeadLetter[]> {
  const seen = new Map<string, DeadLetter>();
  for (let round = 0; round < 50 && seen.size < limit; round++) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: round === 0 ? 1 : 0, MessageSystemAttributeNames: ['All'] }));
    const fresh = (out.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) seen.set(message.MessageId!, describe(message));
  }
  return [...seen.values()].slice(0, limit);
}

/**
 * Moves dead letters back to their source queue (all, or the one with `messageId`): each is sent
 * again (a new message, received afresh) and only then deleted from the dead-letter queue, so a crash
 * between the two leaves a duplicate, never a loss (the handlers are idempotent).
 */
export async function redriveDeadLetters(sqs: SQSClient, from: { deadLetterQueueUrl: string; sourceQueueUrl: string }, which: { all: true } | { messageId: string }): Promise<string[]> {
  const moved: string[] = [];
  const skipped: Message[] = [];
  try {
    for (let round = 0; round < 1000; round++) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: from.deadLetterQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: round === 0 ? 1 : 0 }));
      const messages = out.Messages ?? [];
      if (messages.length === 0) break;
      for (const message of messages) {
        if ('messageId' in which && message.MessageId !== which.messageId) {
          skipped.push(message);
          continue;
        }
        await sqs.send(new SendMessageCommand({ QueueUrl: from.sourceQueueUrl, MessageBody: message.Body! }));
        await sqs.send(new DeleteMessageCommand({ QueueUrl: from.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle! }));
        moved.push(message.MessageId!);
      }
      if ('messageId' in which && moved.length > 0) break;
    }
  } finally {
    // Others looked at on the way become visible again at once.
    for (const message of skipped) {
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: from.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })).catch(() => undefined);
    }
  }
  return moved;
}
