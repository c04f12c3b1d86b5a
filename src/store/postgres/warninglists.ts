import { toWarninglist, type WarninglistRow } from '../sql/operations.ts';
import type { WarninglistStore } from '../warninglists.ts';
import type { Db } from './db.ts';

/** MISP warninglists in PostgreSQL, replaced by id. */
export function postgresWarninglists(db: Db): WarninglistStore {
  return {
    async putWarninglists(lists, now) {
      await db.transaction(async (sql) => {
        for (const list of lists) {
          await sql.run(
            `INSERT INTO warninglists (id, name, description, version, type, entries, matching_attributes, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, version = excluded.version, type = excluded.type,
               entries = excluded.entries, matching_attributes = excluded.matching_attributes, imported_at = excluded.imported_at`,
            [list.id, list.name, list.description, list.version, list.type, JSON.stringify(list.entries), JSON.stringify(list.matchingAttributes), now],
          );
        }
      });
    },

    async listWarninglists() {
      const rows = await db.all<WarninglistRow>('SELECT id, name, description, version, type, entries, matching_attributes FROM warninglists ORDER BY id COLLATE "C"');
      return rows.map(toWarninglist);
    },
  };
}
