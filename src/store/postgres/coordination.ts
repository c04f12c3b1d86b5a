import type { CoordinationStore, Exclusive } from '../coordination.ts';
import type { Db } from './db.ts';

/**
 * Request budgets as rows every API node takes from in one statement, and
 * locks as session-level advisory locks on a connection of their own, so a
 * node that dies mid-pull lets go of its feed with its connection.
 */
export function postgresCoordination(db: Db): CoordinationStore {
  return {
    async takeRateTokens(caller, want, now, rule) {
      // the row stays locked from the refill to the take: two nodes taking at once are serialised
      return db.transaction(async (sql) => {
        const bucket = await sql.get<{ tokens: number }>(
          `INSERT INTO rate_buckets AS b (caller, tokens, at) VALUES (?, ?, ?)
           ON CONFLICT (caller) DO UPDATE SET tokens = least(excluded.tokens, b.tokens + greatest(0, excluded.at - b.at) * ?::float8), at = greatest(b.at, excluded.at)
           RETURNING tokens`,
          [caller, rule.burst, now, rule.perMinute / 60_000],
        );
        const granted = Math.max(0, Math.min(want, Math.floor(bucket?.tokens ?? 0)));
        if (granted > 0) await sql.run('UPDATE rate_buckets SET tokens = tokens - ? WHERE caller = ?', [granted, caller]);
        return granted;
      });
    },
    async exclusively<T>(name: string, work: () => Promise<T>): Promise<Exclusive<T>> {
      const { sql, release } = await db.session();
      let broken: Error | undefined;
      try {
        const got = await sql.get<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext('tix:lock'), hashtext(?)) AS locked", [name]);
        if (!got?.locked) return { ran: false };
        try {
          return { ran: true, value: await work() };
        } finally {
          await sql.get("SELECT pg_advisory_unlock(hashtext('tix:lock'), hashtext(?))", [name]).catch((error: Error) => (broken = error));
        }
      } finally {
        // a connection whose unlock failed is not returned to the pool still holding the lock
        release(broken);
      }
    },
  };
}
