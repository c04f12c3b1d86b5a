import { StoreError } from '../../errors.ts';
import type { OperationsStore } from '../operations.ts';
import { toContact, type ContactRow } from '../sql/operations.ts';
import type { Db } from './db.ts';

const BATCH = 5_000;

/** The contacts directory in PostgreSQL. */
export function postgresContacts(db: Db): Pick<OperationsStore, 'putContacts' | 'listContacts'> {
  return {
    async putContacts(contacts, now) {
      // one row per (scope, key, role, manual), the last given winning, as one upsert after another would leave it
      const rows = [...new Map(contacts.map((c) => [JSON.stringify([c.scope, c.key, c.role, c.manual]), c])).values()];
      try {
        await db.transaction(async (sql) => {
          for (let start = 0; start < rows.length; start += BATCH) {
            const chunk = rows.slice(start, start + BATCH);
            await sql.run(
              `INSERT INTO contacts (scope, key, role, name, email, manual, origin, updated_at)
               SELECT s, k, r, n, e, m, o, ? FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[]) AS c(s, k, r, n, e, m, o)
               ON CONFLICT (scope, key, role, manual) DO UPDATE SET name = excluded.name, email = excluded.email, origin = excluded.origin, updated_at = excluded.updated_at`,
              [
                now,
                chunk.map((c) => c.scope),
                chunk.map((c) => c.key),
                chunk.map((c) => c.role),
                chunk.map((c) => c.name),
                chunk.map((c) => c.email ?? null),
                chunk.map((c) => (c.manual ? 1 : 0)),
                chunk.map((c) => c.origin ?? null),
              ],
            );
          }
        });
      } catch (error) {
        throw new StoreError('TIX_STORE_FAILED', `contacts not stored: ${(error as Error).message}`, { cause: error });
      }
      return contacts.length;
    },

    async listContacts() {
      const rows = await db.all<ContactRow>(
        'SELECT scope, key, role, name, email, manual, origin FROM contacts ORDER BY scope COLLATE "C", key COLLATE "C", role COLLATE "C", manual DESC',
      );
      return rows.map(toContact);
    },
  };
}
