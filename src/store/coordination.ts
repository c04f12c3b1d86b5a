/**
 * What several server processes on one store must agree on: how many
 * requests a caller has left, and which process is doing a piece of
 * exclusive work (a feed pull). On PostgreSQL both live in the database, so
 * any number of API nodes behave as one; the embedded store keeps request
 * budgets per process (it serves one team from one machine).
 */
export interface RateRule {
  /** Tokens added per minute. */
  perMinute: number;
  /** Most tokens a bucket holds (the burst). */
  burst: number;
}

export type Exclusive<T> = { ran: true; value: T } | { ran: false };

export interface CoordinationStore {
  /**
   * Takes up to `want` tokens from the caller's bucket (refilled at the
   * rule's rate since it was last taken from) and returns how many it got:
   * 0 when the bucket is empty.
   */
  takeRateTokens(caller: string, want: number, now: number, rule: RateRule): Promise<number>;
  /**
   * Runs `work` while holding the named lock, across every process of the
   * store; `{ ran: false }` at once when another holds it. A process that
   * dies holding it releases it (PostgreSQL: with its connection; SQLite: a
   * lease of `leaseMs`).
   */
  exclusively<T>(name: string, work: () => Promise<T>, options: { now: number; leaseMs: number }): Promise<Exclusive<T>>;
}

/** A token bucket refilled to `now`: the arithmetic both backends apply. */
export function refill(bucket: { tokens: number; at: number } | undefined, now: number, rule: RateRule): number {
  if (!bucket) return rule.burst;
  return Math.min(rule.burst, bucket.tokens + Math.max(0, now - bucket.at) * (rule.perMinute / 60_000));
}
