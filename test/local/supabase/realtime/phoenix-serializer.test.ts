import { describe, expect, it } from 'vitest';
// realtime-js's own serializer: what the real client puts on the wire and how it reads ours.
import Serializer from '@supabase/realtime-js/dist/main/lib/serializer';
import { decodeFrame, encodeBroadcast } from '../../../../local/supabase/realtime/phoenix-serializer';

const client = new Serializer();
const encode = (msg: unknown): ArrayBuffer | string => client.encode(msg as never, (r: unknown) => r as never) as unknown as ArrayBuffer | string;

describe('phoenix serializer against realtime-js', () => {
  it('decodes the binary broadcast push realtime-js sends for a JSON payload', () => {
    const wire = encode({ join_ref: '3', ref: '4', topic: 'realtime:room', event: 'broadcast', payload: { type: 'broadcast', event: 'cursor', payload: { x: 1, name: 'café' } } });
    expect(wire).toBeInstanceOf(ArrayBuffer);
    expect(decodeFrame(Buffer.from(wire as ArrayBuffer), true, '2.0.0')).toEqual({
      joinRef: '3',
      ref: '4',
      topic: 'realtime:room',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'cursor', payload: { x: 1, name: 'café' } },
      userBroadcast: { event: 'cursor', encoding: 'json', body: Buffer.from(JSON.stringify({ x: 1, name: 'café' })) },
    });
  });

  it('decodes a binary payload and hands it back as a kind-4 frame realtime-js can read', () => {
    const bytes = new Uint8Array([1, 2, 3, 250]).buffer;
    const wire = encode({ join_ref: '3', ref: null, topic: 'realtime:room', event: 'broadcast', payload: { type: 'broadcast', event: 'blob', payload: bytes } });
    const msg = decodeFrame(Buffer.from(wire as ArrayBuffer), true, '2.0.0');
    expect((msg.payload as { payload: Buffer }).payload).toEqual(Buffer.from([1, 2, 3, 250]));

    expect(msg.userBroadcast).toEqual({ event: 'blob', encoding: 'binary', body: Buffer.from([1, 2, 3, 250]) });
    const out = encodeBroadcast('realtime:room', { kind: 'user', ...msg.userBroadcast! }, '2.0.0') as Buffer;
    const ab = out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
    const decoded = client.decode(ab as never, (m: unknown) => m as never) as unknown as { topic: string; payload: { event: string; payload: ArrayBuffer } };
    expect(decoded.topic).toBe('realtime:room');
    expect(decoded.payload.event).toBe('blob');
    expect([...new Uint8Array(decoded.payload.payload)]).toEqual([1, 2, 3, 250]);
  });

  it('rejects a truncated binary frame by name', () => {
    expect(() => decodeFrame(Buffer.from([3, 10, 0, 0, 0, 0, 1, 65]), true, '2.0.0')).toThrow(
      'binary frame truncated: header announces 17 bytes, received 8',
    );
    expect(() => decodeFrame(Buffer.from([3]), false, '1.0.0')).toThrow(/not valid JSON/);
    expect(() => decodeFrame(Buffer.from([3, 0, 0, 0, 0, 0, 1]), true, '1.0.0')).toThrow('binary frames need vsn 2.0.0');
  });
});
