/** A bare WebSocket speaking Phoenix frames by hand, for what supabase-js would never send. */
import WebSocket from 'ws';
import { waitFor } from './realtime-harness';

export interface Frame {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

export class RawSocket {
  readonly frames: Frame[] = [];
  closeCode: number | null = null;
  private constructor(
    readonly ws: WebSocket,
    readonly vsn: '1.0.0' | '2.0.0',
  ) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const parsed: unknown = JSON.parse(String(data));
      if (Array.isArray(parsed)) {
        const [join_ref, ref, topic, event, payload] = parsed as [string | null, string | null, string, string, Record<string, unknown>];
        this.frames.push({ join_ref, ref, topic, event, payload });
      } else this.frames.push(parsed as Frame);
    });
    ws.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async open(baseUrl: string, apikey: string, vsn: '1.0.0' | '2.0.0'): Promise<RawSocket> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${encodeURIComponent(apikey)}&vsn=${vsn}`;
    const ws = new WebSocket(url);
    const s = new RawSocket(ws, vsn);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return s;
  }

  push(topic: string, event: string, payload: unknown, ref: string, joinRef: string | null = null): void {
    this.ws.send(
      this.vsn === '2.0.0'
        ? JSON.stringify([joinRef, ref, topic, event, payload])
        : JSON.stringify({ topic, event, payload, ref, join_ref: joinRef }),
    );
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  next(match: (f: Frame) => boolean, what: string): Promise<Frame> {
    return waitFor(() => this.frames.find(match), 5000, what);
  }

  reply(ref: string): Promise<Frame> {
    return this.next((f) => f.event === 'phx_reply' && f.ref === ref, `reply to ref ${ref}`);
  }

  close(): void {
    this.ws.terminate();
  }
}
