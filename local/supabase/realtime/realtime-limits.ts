/**
 * The limits Supabase Realtime enforces, with its defaults for the Free plan
 * (supabase.com/docs/guides/realtime/limits; the server's RealtimeChannel, PresenceHandler,
 * BroadcastHandler and TenantRateLimiters). Rates are per project (here: per server), averaged the
 * way its RateCounter averages them: per-second rates of 5-second buckets over the last minute.
 */

export interface RealtimeLimits {
  /** Sockets with at least one joined channel ("Too many connected users"). Free: 200, Pro: 500. */
  maxConcurrentUsers: number;
  /** Channels one socket may join ("ChannelRateLimitReached: Too many channels"). All plans: 100. */
  maxChannelsPerClient: number;
  /** Joins per second, whole project ("ClientJoinRateLimitReached: Too many joins per second"). Free: 100. */
  maxJoinsPerSecond: number;
  /** Broadcast messages per second, whole project ("Too many messages per second"). Free: 100. */
  maxEventsPerSecond: number;
  /** Presence messages per second, whole project ("Too many presence messages per second"). Free: 20. */
  maxPresenceEventsPerSecond: number;
  /** Largest Broadcast or Presence payload, in bytes (Supabase pads its own by 500). Free: 256 KB, Pro: 3000 KB. */
  maxPayloadBytes: number;
  /** track/untrack calls one channel may make per window ("Client presence rate limit exceeded"). */
  clientPresenceMaxCalls: number;
  clientPresenceWindowMs: number;
}

export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = {
  maxConcurrentUsers: 200,
  maxChannelsPerClient: 100,
  maxJoinsPerSecond: 100,
  maxEventsPerSecond: 100,
  maxPresenceEventsPerSecond: 20,
  maxPayloadBytes: 256 * 1000 + 500,
  clientPresenceMaxCalls: 5,
  clientPresenceWindowMs: 30_000,
};

const BUCKET_MS = 5_000;
const BUCKETS = 12;

/**
 * Supabase's RateCounter: events are counted in 5-second buckets; the rate is the mean per-second
 * rate of the completed buckets of the last minute (fewer right after start). Time is injectable
 * for tests.
 */
export class RateCounter {
  private readonly buckets = new Map<number, number>();
  private readonly firstBucket: number;

  constructor(private readonly now: () => number = Date.now) {
    this.firstBucket = Math.floor(now() / BUCKET_MS);
  }

  add(n = 1): void {
    const b = Math.floor(this.now() / BUCKET_MS);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + n);
    for (const k of this.buckets.keys()) if (k < b - BUCKETS) this.buckets.delete(k);
  }

  perSecond(): number {
    const current = Math.floor(this.now() / BUCKET_MS);
    const complete = Math.min(BUCKETS, current - this.firstBucket);
    if (complete <= 0) return 0;
    let sum = 0;
    for (let b = current - complete; b < current; b++) sum += this.buckets.get(b) ?? 0;
    return sum / (complete * (BUCKET_MS / 1000));
  }
}
