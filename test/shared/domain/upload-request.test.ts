import { describe, expect, it } from 'vitest';
import { parseUploadRequest } from '../../../shared/domain/upload-request';

const good = { filename: 'villa.jpg', contentType: 'image/jpeg', size: 1000 };

describe('POST /uploads body', () => {
  it('accepts a minimal body and every option', () => {
    expect(parseUploadRequest(good)).toEqual({ filename: 'villa.jpg', contentType: 'image/jpeg', size: 1000, options: {} });
    const full = parseUploadRequest({ ...good, title: ' Villa Été ', subtitle: 'Bali', prompt: 'slow', cameraMotion: 'jib_up', duration: 8, musicFile: 'ocean-breeze.mp3' });
    expect(full.options).toEqual({ title: 'Villa Été', subtitle: 'Bali', prompt: 'slow', cameraMotion: 'jib_up', duration: 8, musicFile: 'ocean-breeze.mp3' });
  });

  it.each([
    [{ ...good, contentType: 'image/gif' }, 'contentType: must be image/jpeg, image/png or image/webp (got "image/gif")'],
    [{ ...good, size: 20_000_000 }, 'size: must be at most 15728640 bytes (15 MB) (got 20000000)'],
    [{ ...good, size: 0 }, 'size: must be at least 1 byte (got 0)'],
    [{ ...good, size: 1.5 }, 'size: must be a whole number of bytes (got 1.5)'],
    [{ ...good, filename: '' }, 'filename: must not be empty (got "")'],
    [{ ...good, filename: 'a\u0000b.jpg' }, 'filename: must not contain control characters (got "a\\u0000b.jpg")'],
    [{ ...good, filename: 'villa.png' }, 'filename: its extension .png does not match contentType image/jpeg'],
    [{ ...good, duration: 7 }, 'duration:'],
    [{ ...good, cameraMotion: 'orbit' }, 'cameraMotion:'],
    [{ ...good, musicFile: '../../etc/passwd' }, 'musicFile:'],
    [{ ...good, title: 'x'.repeat(81) }, 'title:'],
    [{ ...good, extra: 1 }, 'extra'],
    [[good], 'body must be a JSON object'],
    [null, 'body must be a JSON object'],
  ])('refuses %j with a message naming the field', (body, message) => {
    expect(() => parseUploadRequest(body)).toThrow(message);
  });
});
