/**
 * Faults the local LTX server can be switched into from tests (issue 6's list). `times` = for the
 * next N requests to /v1/image-to-video, then back to normal; undefined = until cleared.
 */
export type LtxFault =
  | { kind: 'rate_limit'; retryAfterSeconds: number; times?: number }
  | { kind: 'server_error'; status?: number; times?: number }
  /** Holds the request without answering for `ms` (default: until the client gives up), then answers normally. */
  | { kind: 'hang'; ms?: number; times?: number }
  /** Declares the full Content-Length, sends about half of the MP4, then drops the connection. */
  | { kind: 'truncated'; times?: number }
  /**
   * LTX's safety filter. docs.ltx.video/errors documents 422 `content_filtered_error`; issue 6 says
   * 400, so `status: 400` answers 400 with the same type. Default 422, as the real API.
   */
  | { kind: 'content_refusal'; status?: 400 | 422; times?: number };

/** The current fault and how many more requests it applies to. */
export class FaultSwitch {
  private fault: LtxFault | null = null;
  private remaining: number | undefined;

  set(fault: LtxFault | null): void {
    if (fault?.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
      throw new Error(`fault.times must be a whole number >= 1 (or undefined for "until cleared"), got ${fault.times}`);
    }
    this.fault = fault;
    this.remaining = fault?.times;
  }

  /** The fault for the request arriving now, counting it against `times`. */
  take(): LtxFault | null {
    const fault = this.fault;
    if (!fault) return null;
    if (this.remaining !== undefined) {
      this.remaining -= 1;
      if (this.remaining <= 0) this.set(null);
    }
    return fault;
  }
}
