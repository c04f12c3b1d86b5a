import type { CoordinationStore, RateRule } from '../store/coordination.ts';

/** How long tokens taken from the shared bucket may be spent locally: a node does not hoard a caller's budget. */
const HOLD_MS = 1_000;

/**
 * A token bucket per caller (key, user or address): `perMinute` requests a
 * minute on average, bursts up to `burst`. The buckets are the store's, so
 * every API node of a PostgreSQL store counts against one budget; each node
 * takes a few tokens at a time (a twentieth of the burst, at most 50) and
 * spends them within a second, so a request costs a store round trip only
 * now and then.
 */
export class RateLimiter {
  private readonly held = new Map<string, { tokens: number; at: number }>();
  /** Takes from the shared bucket under way, per caller: requests that find the held tokens spent at once wait for one take instead of each making its own. */
  private readonly taking = new Map<string, Promise<unknown>>();
  private readonly rule: RateRule;
  private readonly chunk: number;

  constructor(
    private readonly buckets: Pick<CoordinationStore, 'takeRateTokens'>,
    perMinute: number,
    burst: number = perMinute,
  ) {
    this.rule = { perMinute, burst };
    this.chunk = Math.max(1, Math.min(50, Math.floor(burst / 20)));
  }

  /** Takes one token; returns the seconds to wait when there is none. */
  async take(caller: string, now: number): Promise<{ ok: true } | { ok: false; retryAfter: number }> {
    if (this.spend(caller, now)) return { ok: true };
    const under = this.taking.get(caller);
    if (under) {
      await under.catch(() => {});
      if (this.spend(caller, now)) return { ok: true };
    }
    const taking = this.buckets.takeRateTokens(caller, this.chunk, now, this.rule);
    this.taking.set(caller, taking);
    let granted: number;
    try {
      granted = await taking;
    } finally {
      if (this.taking.get(caller) === taking) this.taking.delete(caller);
    }
    if (granted >= 1) {
      if (this.held.size > 100_000) this.held.clear();
      // added to what is still held: tokens taken by requests that met at the bucket are not lost
      const held = this.held.get(caller);
      const left = held && now - held.at < HOLD_MS ? held.tokens : 0;
      this.held.set(caller, { tokens: left + granted, at: now });
    }
    if (this.spend(caller, now)) return { ok: true };
    return { ok: false, retryAfter: Math.max(1, Math.ceil(60 / this.rule.perMinute)) };
  }

  /** Spends a held token, if one is left and fresh. */
  private spend(caller: string, now: number): boolean {
    const held = this.held.get(caller);
    if (!held || held.tokens < 1 || now - held.at >= HOLD_MS) return false;
    held.tokens -= 1;
    return true;
  }
}
