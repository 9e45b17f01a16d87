import { ltxError } from './ltx-error';

/**
 * Wraps the MP4 body so that a connection closed before `Content-Length` bytes, or silent for
 * `stallMs`, errors the stream with a retryable UpstreamError (code `truncated_response`) instead of
 * ending it quietly with half a video.
 */
export function guardVideoStream(
  source: ReadableStream<Uint8Array>,
  options: { contentLength: number | undefined; stallMs: number; abort: () => void; requestId: string; isCallerAbort: () => boolean },
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let received = 0;
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const expected = options.contentLength === undefined ? '' : ` of ${options.contentLength}`;
  const cutShort = (why: string, cause?: unknown) =>
    ltxError(`LTX video stream cut short after ${received}${expected} bytes (${why})`, {
      retryable: true,
      code: 'truncated_response',
      cause,
      context: { kind: 'LTX video stream cut short', detail: `${received}${expected} bytes, ${why}`, requestId: options.requestId },
    });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        options.abort();
      }, options.stallMs);
      try {
        const { done, value } = await reader.read();
        clearTimeout(timer);
        if (done) {
          if (options.contentLength !== undefined && received !== options.contentLength) {
            controller.error(cutShort('the connection ended early'));
          } else {
            controller.close();
          }
          return;
        }
        received += value.byteLength;
        controller.enqueue(value);
      } catch (err) {
        clearTimeout(timer);
        if (options.isCallerAbort()) controller.error(err);
        else controller.error(cutShort(stalled ? `no data for ${Math.round(options.stallMs / 1000)} s` : 'the connection failed', err));
      }
    },
    async cancel(reason) {
      clearTimeout(timer);
      await reader.cancel(reason);
    },
  });
}
