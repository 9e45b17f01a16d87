import { GoTrueError } from './gotrue-error';

/**
 * GoTrue's per-IP request limits (supabase/auth `internal/api/apilimiter`): token buckets that
 * start full and refill at the configured rate; an empty bucket answers 429
 * `over_request_rate_limit` "Request rate limit reached", before the request is looked at further.
 */
export interface AuthRateLimits {
  /** Anonymous sign-ins per hour per IP (GOTRUE_RATE_LIMIT_ANONYMOUS_USERS). */
  anonymousUsers: number;
  /** Email sign-ups per 5 minutes per IP (GOTRUE_RATE_LIMIT_OTP, which GoTrue applies to /signup). */
  signups: number;
  /** Password and refresh-token grants on /token per 5 minutes per IP (GOTRUE_RATE_LIMIT_TOKEN_REFRESH). */
  tokenRefresh: number;
}

/** GoTrue's defaults, as a Supabase project has them. */
export const GOTRUE_RATE_LIMITS: Readonly<AuthRateLimits> = { anonymousUsers: 30, signups: 30, tokenRefresh: 150 };

/** GoTrue's burst for the 5-minute limiters; the anonymous limiter's burst is its hourly limit. */
const GOTRUE_BURST = 30;
/** GoTrue forgets a client after an hour without requests (tollbooth's expiration TTL). */
const IDLE_MS = 60 * 60 * 1000;

class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private takes = 0;

  constructor(
    private readonly perMs: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {}

  take(key: string): boolean {
    const now = this.now();
    if (++this.takes % 1000 === 0) this.prune(now);
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private prune(now: number): void {
    for (const [key, b] of this.buckets) if (now - b.at > IDLE_MS) this.buckets.delete(key);
  }
}

export interface AuthRateLimiter {
  /** Throws 429 when `ip` has used up its anonymous sign-ins. */
  anonymousSignIn(ip: string): void;
  signup(ip: string): void;
  token(ip: string): void;
}

/**
 * Limits as GoTrue's defaults unless raised (tests and the demo sign in more users than 30 an hour
 * from one address: they raise the limits explicitly). A limit raised above GoTrue's default also
 * raises the burst to it, so the raised number of requests can come at once.
 */
export function createAuthRateLimiter(limits: Partial<AuthRateLimits> = {}, now: () => number = Date.now): AuthRateLimiter {
  const l = { ...GOTRUE_RATE_LIMITS, ...limits };
  for (const [name, v] of Object.entries(l)) {
    if (!(v > 0)) throw new Error(`auth rate limit ${name} must be a positive number, received ${String(v)}`);
  }
  const burst5m = (limit: number, fallback: number): number => Math.max(GOTRUE_BURST, limit > fallback ? limit : 0);
  const anonymous = new TokenBuckets(l.anonymousUsers / 3_600_000, l.anonymousUsers, now);
  const signups = new TokenBuckets(l.signups / 300_000, burst5m(l.signups, GOTRUE_RATE_LIMITS.signups), now);
  const tokens = new TokenBuckets(l.tokenRefresh / 300_000, burst5m(l.tokenRefresh, GOTRUE_RATE_LIMITS.tokenRefresh), now);
  const check = (buckets: TokenBuckets, ip: string): void => {
    if (!buckets.take(ip)) throw new GoTrueError(429, 'over_request_rate_limit', 'Request rate limit reached');
  };
  return {
    anonymousSignIn: (ip) => check(anonymous, ip),
    signup: (ip) => check(signups, ip),
    token: (ip) => check(tokens, ip),
  };
}
