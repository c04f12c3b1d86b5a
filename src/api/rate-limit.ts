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
    const held = this.held.get(caller);
    if (held && held.tokens >= 1 && now - held.at < HOLD_MS) {
      held.tokens -= 1;
      return { ok: true };
    }
    const granted = await this.buckets.takeRateTokens(caller, this.chunk, now, this.rule);
    if (granted >= 1) {
      if (this.held.size > 100_000) this.held.clear();
      this.held.set(caller, { tokens: granted - 1, at: now });
      return { ok: true };
    }
    this.held.delete(caller);
    return { ok: false, retryAfter: Math.max(1, Math.ceil(60 / this.rule.perMinute)) };
  }
}
