/**
 * A token bucket per caller (key, user or address): `perMinute` requests a
 * minute on average, bursts up to `burst`. In memory, so per process; the
 * embedded server is one process.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perMinute: number,
    private readonly burst: number = perMinute,
  ) {}

  /** Takes one token; returns the seconds to wait when there is none. */
  take(caller: string, now: number): { ok: true } | { ok: false; retryAfter: number } {
    const rate = this.perMinute / 60_000;
    const bucket = this.buckets.get(caller) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    this.buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    if (this.buckets.size > 100_000) this.buckets.clear();
    return { ok: false, retryAfter: Math.ceil((1 - bucket.tokens) / rate / 1000) };
  }
}
