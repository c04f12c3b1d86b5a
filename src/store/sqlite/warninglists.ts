import type Database from 'better-sqlite3';
import type { Warninglist, WarninglistStore } from '../warninglists.ts';
import { toWarninglist, type WarninglistRow } from '../sql/operations.ts';

export function sqliteWarninglists(db: Database.Database): WarninglistStore {
  const upsert = db.prepare(`INSERT INTO warninglists (id, name, description, version, type, entries, matching_attributes, imported_at)
    VALUES (@id, @name, @description, @version, @type, @entries, @matching_attributes, @imported_at)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, version = excluded.version, type = excluded.type,
      entries = excluded.entries, matching_attributes = excluded.matching_attributes, imported_at = excluded.imported_at`);
  const putAll = db.transaction((lists: readonly Warninglist[], now: number) => {
    for (const list of lists) {
      upsert.run({
        id: list.id,
        name: list.name,
        description: list.description,
        version: list.version,
        type: list.type,
        entries: JSON.stringify(list.entries),
        matching_attributes: JSON.stringify(list.matchingAttributes),
        imported_at: now,
      });
    }
  });
  const all = db.prepare('SELECT id, name, description, version, type, entries, matching_attributes FROM warninglists ORDER BY id');
  return {
    async putWarninglists(lists, now) {
      putAll(lists, now);
    },
    async listWarninglists() {
      return (all.all() as WarninglistRow[]).map(toWarninglist);
    },
  };
}
