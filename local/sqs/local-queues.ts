import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { renameSync, writeFileSync } from 'node:fs';

/**
 * SQS standard-queue semantics in memory, for the local stack
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html):
 * - a received message is hidden for the visibility timeout, then visible again unless deleted;
 * - each receive counts in `ApproximateReceiveCount` and gives a new receipt handle; only the latest
 *   handle deletes or changes visibility;
 * - with a redrive policy, a message received more than `maxReceiveCount` times is moved to the
 *   dead-letter queue (same MessageId and body) instead of being delivered again;
 * - messages older than the retention period are dropped;
 * - with `persistTo(file)`, messages survive a restart of the stack (SQS is durable): every change is
 *   written (debounced, atomically, mode 0600) and read back when the queue is created again; a
 *   message that was in flight stays hidden until its visibility timeout ends, as in SQS.
 * The HTTP front (sqs-server.ts) and the Lambda poller (sqs-event-source.ts) both work on this model.
 */

export interface QueueSettings {
  visibilityTimeoutSeconds: number;
  messageRetentionSeconds: number;
  redrive?: { deadLetterQueue: string; maxReceiveCount: number };
}

export interface QueueMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  receiptHandle: string;
  attributes: { ApproximateReceiveCount: string; SentTimestamp: string; SenderId: string; ApproximateFirstReceiveTimestamp: string };
}

interface StoredMessage {
  messageId: string;
  body: string;
  md5: string;
  sentAt: number;
  firstReceivedAt: number | null;
  receiveCount: number;
  visibleAt: number;
  receiptHandle: string | null;
}

interface Queue {
  name: string;
  settings: QueueSettings;
  messages: StoredMessage[];
}

export class QueueDoesNotExistError extends Error {
  constructor(readonly queue: string) {
    super(`The specified queue does not exist: ${queue}`);
  }
}
export class ReceiptHandleIsInvalidError extends Error {
  constructor(handle: string) {
    super(`The input receipt handle "${handle.slice(0, 24)}…" is not a valid receipt handle.`);
  }
}

export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

export class LocalQueues {
  private readonly queues = new Map<string, Queue>();
  private waiters = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly senderId: string;
  private persistFile: string | null = null;
  private restored = new Map<string, StoredMessage[]>();
  private saveTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly account = '000000000000',
    readonly region = 'us-east-1',
    private readonly now: () => number = Date.now,
  ) {
    this.senderId = `AIDA${randomBytes(8).toString('hex').toUpperCase()}`;
  }

  /** Keeps the queues' messages in `file` from now on, and takes back the ones a previous run left. */
  async persistTo(file: string): Promise<void> {
    this.persistFile = file;
    try {
      const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, StoredMessage[]>;
      this.restored = new Map(Object.entries(saved));
    } catch {
      // First start, or an unreadable file: start empty (the start-up sweep recovers abandoned jobs).
    }
  }

  createQueue(name: string, settings: QueueSettings): void {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new Error(`invalid queue name ${JSON.stringify(name)}`);
    if (settings.redrive && !this.queues.has(settings.redrive.deadLetterQueue)) throw new QueueDoesNotExistError(settings.redrive.deadLetterQueue);
    const existing = this.queues.get(name);
    if (existing) existing.settings = settings;
    else {
      const messages = this.restored.get(name) ?? [];
      this.restored.delete(name);
      this.queues.set(name, { name, settings, messages });
      for (const message of messages) if (message.visibleAt > this.now()) this.wakeAt(message.visibleAt);
    }
  }

  names(): string[] {
    return [...this.queues.keys()];
  }

  arn(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.account}:${name}`;
  }

  settings(name: string): QueueSettings {
    return this.queue(name).settings;
  }

  has(name: string): boolean {
    return this.queues.has(name);
  }

  send(name: string, body: string, delaySeconds = 0): { messageId: string; md5OfBody: string } {
    const queue = this.queue(name);
    const now = this.now();
    const message: StoredMessage = { messageId: randomUUID(), body, md5: md5Hex(body), sentAt: now, firstReceivedAt: null, receiveCount: 0, visibleAt: now + delaySeconds * 1000, receiptHandle: null };
    queue.messages.push(message);
    this.changed();
    if (delaySeconds > 0) this.wakeAt(message.visibleAt);
    else this.wake();
    return { messageId: message.messageId, md5OfBody: message.md5 };
  }

  /** Receives up to `max` visible messages (hiding them), moving over-received ones to the DLQ first. */
  receive(name: string, max: number, visibilityTimeoutSeconds?: number): QueueMessage[] {
    const queue = this.queue(name);
    const now = this.now();
    this.expire(queue, now);
    const hideFor = (visibilityTimeoutSeconds ?? queue.settings.visibilityTimeoutSeconds) * 1000;
    const out: QueueMessage[] = [];
    for (const message of [...queue.messages]) {
      if (out.length >= max) break;
      if (message.visibleAt > now) continue;
      const redrive = queue.settings.redrive;
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        this.moveToDeadLetter(queue, message, redrive.deadLetterQueue);
        continue;
      }
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + hideFor;
      message.receiptHandle = `${message.messageId}#${randomBytes(12).toString('base64url')}`;
      if (hideFor > 0) this.wakeAt(message.visibleAt);
      out.push({
        messageId: message.messageId,
        body: message.body,
        md5OfBody: message.md5,
        receiptHandle: message.receiptHandle,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          SenderId: this.senderId,
          ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
        },
      });
    }
    if (out.length > 0) this.changed();
    return out;
  }

  /** Like `receive`, but waits up to `waitMs` for a message (long polling); `signal` ends the wait early. */
  async receiveWait(name: string, max: number, waitMs: number, options: { visibilityTimeoutSeconds?: number; signal?: AbortSignal } = {}): Promise<QueueMessage[]> {
    const deadline = this.now() + waitMs;
    for (;;) {
      const got = this.receive(name, max, options.visibilityTimeoutSeconds);
      const left = deadline - this.now();
      if (got.length > 0 || left <= 0 || options.signal?.aborted) return got;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          options.signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
        options.signal?.addEventListener('abort', done);
      });
    }
  }

  delete(name: string, receiptHandle: string): void {
    const queue = this.queue(name);
    const index = queue.messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (index === -1) {
      // SQS: deleting an already-deleted message with a once-valid handle succeeds.
      if (/^[0-9a-f-]{36}#[A-Za-z0-9_-]{16}$/.test(receiptHandle)) return;
      throw new ReceiptHandleIsInvalidError(receiptHandle);
    }
    queue.messages.splice(index, 1);
    this.changed();
  }

  changeVisibility(name: string, receiptHandle: string, visibilityTimeoutSeconds: number): void {
    const message = this.queue(name).messages.find((m) => m.receiptHandle === receiptHandle);
    if (!message) throw new ReceiptHandleIsInvalidError(receiptHandle);
    message.visibleAt = this.now() + visibilityTimeoutSeconds * 1000;
    this.changed();
    if (visibilityTimeoutSeconds === 0) this.wake();
    else this.wakeAt(message.visibleAt);
  }

  /** ApproximateNumberOfMessages (visible) and ApproximateNumberOfMessagesNotVisible (in flight or delayed). */
  counts(name: string): { visible: number; notVisible: number } {
    const queue = this.queue(name);
    const now = this.now();
    this.expire(queue, now);
    const visible = queue.messages.filter((m) => m.visibleAt <= now).length;
    return { visible, notVisible: queue.messages.length - visible };
  }

  /** The messages a queue holds, without receiving them (inspection by the stack and its tests). */
  peek(name: string): Array<{ messageId: string; body: string; receiveCount: number }> {
    return this.queue(name).messages.map((m) => ({ messageId: m.messageId, body: m.body, receiveCount: m.receiveCount }));
  }

  close(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
      this.saveNow();
    }
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.wake();
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new QueueDoesNotExistError(name);
    return queue;
  }

  private expire(queue: Queue, now: number): void {
    const oldest = now - queue.settings.messageRetentionSeconds * 1000;
    if (queue.messages.some((m) => m.sentAt < oldest)) {
      queue.messages = queue.messages.filter((m) => m.sentAt >= oldest);
      this.changed();
    }
  }

  private snapshot(): string {
    return JSON.stringify(Object.fromEntries([...this.queues].map(([name, q]) => [name, q.messages])));
  }

  /** Schedules a write of every queue's messages (coalesced: bursts cost one write). */
  private changed(): void {
    if (!this.persistFile || this.saveTimer) return;
    // Written synchronously (a small file): two saves can never finish out of order.
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      try {
        this.saveNow();
      } catch {
        // A full disk must not stop the queues; the next change tries again.
      }
    }, 50);
    this.saveTimer.unref();
  }

  private saveNow(): void {
    const file = this.persistFile!;
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, this.snapshot(), { mode: 0o600 });
    renameSync(temp, file);
  }

  private moveToDeadLetter(queue: Queue, message: StoredMessage, deadLetterQueue: string): void {
    queue.messages.splice(queue.messages.indexOf(message), 1);
    // SQS keeps the MessageId, the body and the original SentTimestamp; the receive count starts over.
    this.queue(deadLetterQueue).messages.push({ ...message, receiveCount: 0, firstReceivedAt: null, visibleAt: this.now(), receiptHandle: null });
    this.changed();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Wakes long pollers when a hidden message becomes visible again. */
  private wakeAt(at: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.wake();
    }, Math.max(0, at - this.now()) + 1);
    timer.unref();
    this.timers.add(timer);
  }
}
