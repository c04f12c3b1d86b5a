import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { refill, type CoordinationStore, type Exclusive } from '../coordination.ts';

/**
 * Request budgets in the process's memory (each server process of the
 * embedded store counts its own, as `tix serve --rate-limit` says), locks as
 * lease rows in the store file, which every process of it sees.
 */
export function sqliteCoordination(db: Database.Database): CoordinationStore {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const claim = db.prepare(
    `INSERT INTO locks (name, holder, expires_at) VALUES (@name, @holder, @expires)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at WHERE locks.expires_at <= @now`,
  );
  const release = db.prepare('DELETE FROM locks WHERE name = ? AND holder = ?');
  return {
    async takeRateTokens(caller, want, now, rule) {
      const tokens = refill(buckets.get(caller), now, rule);
      const granted = Math.max(0, Math.min(want, Math.floor(tokens)));
      if (buckets.size > 100_000) buckets.clear();
      buckets.set(caller, { tokens: tokens - granted, at: now });
      return granted;
    },
    async exclusively<T>(name: string, work: () => Promise<T>, options: { now: number; leaseMs: number }): Promise<Exclusive<T>> {
      const holder = randomUUID();
      if (claim.run({ name, holder, expires: options.now + options.leaseMs, now: options.now }).changes === 0) return { ran: false };
      try {
        return { ran: true, value: await work() };
      } finally {
        release.run(name, holder);
      }
    },
  };
}
